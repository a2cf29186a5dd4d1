// ISO 8601 durations as manifests use them: P[nY][nM][nW][nD][T[nH][nM][nS]], whole numbers only.
// Years count as 365 days and months as 30 days: retention and deadlines are compared, not put on a calendar.
// One grammar for TypeScript (here) and Python (DURATION_PATTERN in notebooks/gdpr/lakemesh_gdpr.py): both are
// tested on the same corpus (test/fixtures/durations.json), and a test keeps the two patterns identical.

/** The grammar, unanchored, in the syntax JavaScript and Python regular expressions share ([0-9]: Python's \d is Unicode). */
export const DURATION_PATTERN =
  "P(?!$)(?:([0-9]{1,9})Y)?(?:([0-9]{1,9})M)?(?:([0-9]{1,9})W)?(?:([0-9]{1,9})D)?(?:T(?=[0-9])(?:([0-9]{1,9})H)?(?:([0-9]{1,9})M)?(?:([0-9]{1,9})S)?)?";
const DURATION = new RegExp(`^${DURATION_PATTERN}$`);

/** The longest duration allowed anywhere: 100 years (36,500 days). Python's date arithmetic overflows far beyond it. */
export const MAX_DURATION_DAYS = 36_500;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Milliseconds of a duration that parses, or undefined. `P` and `PT` alone do not parse; zero and huge values do. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  return (365 * y + 30 * mo + 7 * w + d) * DAY + h * HOUR + mi * MINUTE + s * SECOND;
}

export type DurationCheck = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly problem: "syntax" | "zero" | "too-long" };

/** A duration as every consumer may use it: it parses, is longer than zero and at most MAX_DURATION_DAYS. */
export function checkDuration(text: string): DurationCheck {
  const ms = parseDuration(text);
  if (ms === undefined) return { ok: false, problem: "syntax" };
  if (ms <= 0) return { ok: false, problem: "zero" };
  if (ms > MAX_DURATION_DAYS * DAY) return { ok: false, problem: "too-long" };
  return { ok: true, ms };
}

export const MS_PER_DAY = DAY;
export const MS_PER_HOUR = HOUR;
