// Which column type changes a reader survives. A widening keeps every old value representable, so readers and
// old rows stay valid; Delta Lake applies exactly such changes in place ("type widening":
// https://docs.delta.io/latest/delta-type-widening.html lists byte->short->int->long, float->double, integer to
// double or decimal with enough integer digits, decimal precision and scale increases, and date->timestamp_ntz).
// The reverse of a widening is a narrowing; anything else changes the type outright. Both break readers.
import { decimalParts } from "../manifest";

export type TypeChange = "same" | "widened" | "narrowed" | "changed";

const INTEGERS = ["TINYINT", "SMALLINT", "INT", "BIGINT"];
/** Decimal digits an integer type can hold (BIGINT: 9223372036854775807, 19 digits). */
const INTEGER_DIGITS: Readonly<Record<string, number>> = { TINYINT: 3, SMALLINT: 5, INT: 10, BIGINT: 19 };

/** True when every value of `from` is a value of `to`. */
export function widens(from: string, to: string): boolean {
  if (from === to) return false;
  const [fi, ti] = [INTEGERS.indexOf(from), INTEGERS.indexOf(to)];
  if (fi >= 0 && ti >= 0) return ti > fi;
  if (from === "FLOAT" && to === "DOUBLE") return true;
  // A double has a 53-bit mantissa: every INT is exact, not every BIGINT.
  if (fi >= 0 && fi <= 2 && to === "DOUBLE") return true;
  const dt = decimalParts(to);
  if (fi >= 0 && dt) return dt.precision - dt.scale >= INTEGER_DIGITS[from];
  const df = decimalParts(from);
  if (df && dt) return dt.scale >= df.scale && dt.precision - dt.scale >= df.precision - df.scale;
  return from === "DATE" && to === "TIMESTAMP_NTZ";
}

export function typeChange(from: string, to: string): TypeChange {
  if (from === to) return "same";
  if (widens(from, to)) return "widened";
  if (widens(to, from)) return "narrowed";
  return "changed";
}
