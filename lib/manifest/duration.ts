// ISO 8601 durations as manifests use them: P[nY][nM][nW][nD][T[nH][nM][n[.f]S]].
// Years count as 365 days and months as 30 days: retention and deadlines are compared, not put on a calendar.
const DURATION = /^P(?:(\d{1,5})Y)?(?:(\d{1,6})M)?(?:(\d{1,6})W)?(?:(\d{1,7})D)?(?:T(?:(\d{1,8})H)?(?:(\d{1,9})M)?(?:(\d{1,10}(?:\.\d{1,3})?)S)?)?$/;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Milliseconds of an ISO 8601 duration, or undefined when it does not parse. `P` and `PT` alone do not parse. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === "P" || text.endsWith("T")) return undefined;
  const [, y, mo, w, d, h, mi, s] = m;
  if ([y, mo, w, d, h, mi, s].every((x) => x === undefined)) return undefined;
  const n = (x: string | undefined) => (x === undefined ? 0 : Number(x));
  return Math.round(
    n(y) * 365 * DAY + n(mo) * 30 * DAY + n(w) * 7 * DAY + n(d) * DAY + n(h) * HOUR + n(mi) * MINUTE + n(s) * SECOND,
  );
}

export const MS_PER_DAY = DAY;
export const MS_PER_HOUR = HOUR;
