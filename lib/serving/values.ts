// One JSON representation of column values, whichever backend returned them (DuckDB's JSON rows or the Databricks
// driver's Arrow values), and the JSON Schema of each column for the OpenAPI document.
import type { ServedColumn } from "./catalog";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function isoTimestamp(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  const s = String(v);
  // DuckDB: "2026-01-02 03:04:05[.ffffff]"; already ISO strings pass through with a Z.
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]00(?::?00)?)?$/.exec(s);
  return m ? `${m[1]}T${m[2]}Z` : s;
}

function isoDate(v: unknown): string {
  if (v instanceof Date) return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
  return String(v).slice(0, 10);
}

/** A column value as the API returns it. Integers beyond 2^53 and every DECIMAL are strings (exact). */
export function jsonValue(col: Pick<ServedColumn, "physicalType" | "family">, v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  switch (col.family) {
    case "integer": {
      const n = typeof v === "bigint" ? v : BigInt(String(v));
      return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : n.toString();
    }
    case "number":
      return col.physicalType.startsWith("DECIMAL") ? String(v) : Number(v);
    case "boolean":
      return typeof v === "boolean" ? v : String(v) === "true";
    case "date":
      return isoDate(v);
    case "timestamp":
      return isoTimestamp(v);
    case "array":
      return Array.isArray(v) ? v.map((x) => (x === null ? null : String(x))) : [];
    case "object": {
      // DuckDB returns MAPs as [{key, value}], the driver as an object or a Map.
      if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), x === null ? null : String(x)]));
      if (Array.isArray(v)) return Object.fromEntries(v.map((e: { key: unknown; value: unknown }) => [String(e.key), e.value === null ? null : String(e.value)]));
      return typeof v === "object" ? Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, x === null ? null : String(x)])) : {};
    }
    default:
      return String(v);
  }
}

/** JSON Schema of a column's value in responses. */
export function columnSchema(col: ServedColumn): Record<string, unknown> {
  const base = ((): Record<string, unknown> => {
    switch (col.family) {
      case "integer":
        return col.physicalType === "BIGINT" ? { type: ["integer", "string"], description: `${col.description} (BIGINT: a string beyond 2^53)` } : { type: "integer" };
      case "number":
        return col.physicalType.startsWith("DECIMAL") ? { type: "string", pattern: "^-?[0-9]+(\\.[0-9]+)?$", description: `${col.description} (${col.physicalType}, exact, as a string)` } : { type: "number" };
      case "boolean":
        return { type: "boolean" };
      case "date":
        return { type: "string", format: "date" };
      case "timestamp":
        return { type: "string", format: "date-time" };
      case "array":
        return { type: "array", items: { type: ["string", "null"] } };
      case "object":
        return { type: "object", additionalProperties: { type: ["string", "null"] } };
      default:
        return { type: "string" };
    }
  })();
  const type = base.type as string | string[];
  return { description: col.description, ...base, type: col.nullable ? [...(Array.isArray(type) ? type : [type]), "null"] : type };
}
