// Quartz cron expressions, as Databricks job schedules take them: seconds minutes hours day-of-month month
// day-of-week [year] (https://docs.databricks.com/jobs/scheduled: "Quartz Cron Syntax"; Databricks itself enforces
// only 10 s between runs). lakemesh reads the three time-of-day fields to know how often a schedule can fire; the
// day fields only make it rarer.

const TIME_FIELDS = [
  { name: "seconds", min: 0, max: 59 },
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
] as const;

/** Values of one time field (`*`, `n`, `a-b`, with an optional `/step`, comma-separated), or a problem. */
function expand(text: string, field: (typeof TIME_FIELDS)[number]): number[] | string {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^(\*|[0-9]{1,2}(?:-[0-9]{1,2})?)(?:\/([0-9]{1,2}))?$/.exec(part);
    if (!m) return `"${part}" is not a value, range or step of the ${field.name} field`;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    const [a, b] = m[1] === "*" ? [field.min, field.max] : m[1].split("-").map(Number);
    const from = a;
    const to = b ?? (m[2] === undefined ? a : field.max);
    if (from < field.min || to > field.max || from > to) return `"${part}" is outside ${field.min}-${field.max} in the ${field.name} field`;
    if (step < 1) return `"${part}" has a step of 0 in the ${field.name} field`;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return [...out].sort((x, y) => x - y);
}

export type CronInterval = { readonly ok: true; readonly seconds: number } | { readonly ok: false; readonly problem: string };

/**
 * The shortest time between two firings of a Quartz cron expression, in seconds: the smallest gap between its
 * times of day, or across midnight. A lower bound when day fields skip days; exact when a day fires more than once.
 */
export function cronInterval(expr: string): CronInterval {
  const fields = expr.split(" ");
  if (fields.length < 6 || fields.length > 7) return { ok: false, problem: `has ${fields.length} fields` };
  const [seconds, minutes, hours] = TIME_FIELDS.map((f, i) => expand(fields[i], f));
  for (const v of [seconds, minutes, hours]) if (typeof v === "string") return { ok: false, problem: v };
  const times: number[] = [];
  for (const h of hours as number[]) for (const m of minutes as number[]) for (const s of seconds as number[]) times.push(h * 3600 + m * 60 + s);
  let gap = times[0] + 86_400 - times[times.length - 1];
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i] - times[i - 1]);
  return { ok: true, seconds: gap };
}

/**
 * The longest time between two firings of a Quartz cron expression that fires every day (day-of-month, month and
 * day-of-week all `*` or `?`, year absent or `*`), in seconds: the largest gap between its times of day, or across
 * midnight. null for any other expression (a bound would need the calendar); the survival table then assumes one.
 */
export function cronLongestGap(expr: string): number | null {
  const fields = expr.split(" ");
  if (fields.length < 6 || fields.length > 7) return null;
  const every = (x: string | undefined) => x === "*" || x === "?";
  if (!every(fields[3]) || fields[4] !== "*" || !every(fields[5]) || (fields[6] !== undefined && fields[6] !== "*")) return null;
  const [seconds, minutes, hours] = TIME_FIELDS.map((f, i) => expand(fields[i], f));
  if ([seconds, minutes, hours].some((v) => typeof v === "string")) return null;
  const times: number[] = [];
  for (const h of hours as number[]) for (const m of minutes as number[]) for (const s of seconds as number[]) times.push(h * 3600 + m * 60 + s);
  let gap = times[0] + 86_400 - times[times.length - 1];
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
  return gap;
}
