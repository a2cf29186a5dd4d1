// How long each copy of personal data can outlive an erasure request. The policy pack enforces a limit on these
// numbers (lm-gdpr-erasure-survival); lakemesh plan prints them.
import { MS_PER_DAY, MS_PER_HOUR, parseDuration } from "../manifest";
import type { PipelineContract } from "./contract";
import { governanceNames } from "./naming";

export interface SurvivalAssumptions {
  /** Longest time from an erasure request to the erasure job having deleted and purged (REORG) every table. */
  readonly erasureLatencyMs: number;
  /** Longest time between two starts of the nightly retention job, the only job that VACUUMs (from its schedule). */
  readonly vacuumIntervalMs: number;
  /** Longest run of that job (its timeout): a table's VACUUM can come that long after the run starts. @default 0 */
  readonly vacuumRunMs?: number;
}

export interface TopicCopy {
  readonly name: string;
  readonly retentionMs: number;
  readonly segmentMs: number;
}

export interface SurvivalRow {
  readonly copy: string;
  /**
   * "legal-hold": rows an erasure restricts instead of erasing, kept as the law asks (GDPR Art. 17(3)(b)), and the
   * restriction list naming them; exempt from the erasure deadline and listed apart.
   */
  readonly kind: "topic" | "bronze" | "silver" | "gold" | "delta-log" | "checkpoint" | "inbox" | "export" | "legal-hold";
  readonly survivalMs: number;
  readonly how: string;
}

/** `interval 168 hours` / `interval 30 days` -> milliseconds. */
export function intervalMs(text: string | undefined, fallbackMs: number): number {
  const m = /^interval\s+(\d+)\s+(hour|hours|day|days)$/i.exec(text ?? "");
  if (!m) return fallbackMs;
  return Number(m[1]) * (m[2].toLowerCase().startsWith("hour") ? MS_PER_HOUR : MS_PER_DAY);
}

/**
 * The survival table, from what is scheduled: personal topics (Kafka cannot delete a record: retention plus one open
 * segment); each table with personal data: the erasure job deletes or updates the rows and purges at once (REORG ...
 * APPLY (PURGE)), the files that held them are then removed from the table, and deleted from storage by the first
 * nightly VACUUM (the retention job VACUUMs every registered table) once they are older than the table's threshold
 * (delta.deletedFileRetentionDuration): latency + threshold + one interval of the job + its longest run; gold
 * materialized views (recomputed on the next refresh, their files maintained by their pipeline, within a day of an
 * update); the Delta log (holds values only when statistics cover personal columns) and streaming checkpoints
 * (offsets only: the flows keep no state).
 */
export function survivalReport(
  contracts: readonly PipelineContract[],
  topics: readonly TopicCopy[],
  refreshIntervalMs: ReadonlyMap<string, number>,
  a: SurvivalAssumptions,
): SurvivalRow[] {
  const rows: SurvivalRow[] = topics.map((t) => ({
    copy: `kafka:${t.name}`,
    kind: "topic",
    survivalMs: t.retentionMs + t.segmentMs,
    how: "retention.ms + segment.ms (records cannot be deleted one by one)",
  }));
  const hours = (ms: number) => `${Math.round((ms / MS_PER_HOUR) * 10) / 10} h`;
  for (const c of contracts) {
    for (const ds of c.datasets) {
      const personal = ds.columns.filter((x) => x.personalData);
      if (personal.length === 0) continue;
      const threshold = ds.tableProperties["delta.deletedFileRetentionDuration"];
      const vacuum = intervalMs(threshold, 7 * MS_PER_DAY);
      if (ds.kind === "materialized_view") {
        // The erasure job leaves materialized views to their pipeline: recomputed on the next refresh, the old files
        // removed by the pipeline's own maintenance within a day of an update (https://docs.databricks.com/aws/en/ldp/gdpr).
        const refresh = refreshIntervalMs.get(c.domain) ?? MS_PER_DAY;
        rows.push({
          copy: ds.table,
          kind: ds.layer,
          survivalMs: a.erasureLatencyMs + refresh + vacuum + MS_PER_DAY,
          how: `erasure job + next refresh (${hours(refresh)}) + VACUUM threshold (${threshold}) + pipeline maintenance (24 h)`,
        });
      } else {
        const run = a.vacuumRunMs ?? 0;
        rows.push({
          copy: ds.table,
          kind: ds.layer,
          survivalMs: a.erasureLatencyMs + vacuum + a.vacuumIntervalMs + run,
          how: `erasure job (DELETE or UPDATE, REORG PURGE at once, ${hours(a.erasureLatencyMs)}) + VACUUM threshold (${threshold}) + first nightly VACUUM after it (every ${hours(a.vacuumIntervalMs)}, run up to ${hours(run)})`,
        });
      }
      if (ds.legalHold && ds.kind === "streaming_table") {
        // Rows within the hold stay, restricted; the nightly retention job deletes them when the hold's period (on the
        // retention column) ends, then VACUUMs. A materialized view recomputes without them (the pipelines do not see
        // restricted rows), so only the streaming table keeps them.
        const held = parseDuration(ds.legalHold.period) ?? Infinity;
        const run = a.vacuumRunMs ?? 0;
        rows.push({
          copy: `${ds.table} (restricted rows)`,
          kind: "legal-hold",
          survivalMs: held + vacuum + a.vacuumIntervalMs + run,
          how: `${ds.legalHold.obligation}: restricted, not erased, for ${ds.legalHold.period} on ${ds.retention?.column ?? "its retention column"}; then the nightly retention job deletes them + VACUUM threshold (${threshold}) + next VACUUM`,
        });
      }
      const stats = (ds.tableProperties["delta.dataSkippingStatsColumns"] ?? "").split(",");
      const leaked = personal.filter((x) => stats.includes(x.name));
      const statsAll = ds.tableProperties["delta.dataSkippingStatsColumns"] === undefined;
      rows.push({
        copy: `${ds.table}/_delta_log`,
        kind: "delta-log",
        // Expired log files are removed when a later checkpoint is written: count one maintenance interval more.
        survivalMs: leaked.length > 0 || statsAll ? intervalMs(ds.tableProperties["delta.logRetentionDuration"], 30 * MS_PER_DAY) + a.vacuumIntervalMs : 0,
        how:
          leaked.length > 0 || statsAll
            ? `min/max statistics of ${statsAll ? "every column" : leaked.map((x) => x.name).join(", ")} stay for the log retention, until the next checkpoint`
            : "no statistics on personal columns: the log holds no values",
      });
    }
    const holds = c.datasets.filter((d) => d.legalHold && d.kind === "streaming_table").map((d) => parseDuration(d.legalHold!.period) ?? Infinity);
    if (holds.length > 0) {
      // The restriction list holds the raw subject id as long as the longest hold of the domain; its entries are
      // deleted with the rows, the files at the next VACUUM past the table's default threshold (7 days).
      rows.push({
        copy: `${governanceNames(c.catalog).erasureRestrictions} (${c.domain})`,
        kind: "legal-hold",
        survivalMs: Math.max(...holds) + 7 * MS_PER_DAY + a.vacuumIntervalMs + (a.vacuumRunMs ?? 0),
        how: "restriction entries (tenant, subject) of the held datasets: deleted by the nightly retention job when their hold ends + VACUUM threshold (7 days, the default) + next VACUUM",
      });
    }
    if (c.datasets.some((d) => d.layer !== "gold" && d.columns.some((x) => x.personalData))) {
      rows.push({ copy: `${c.catalog}.${c.schema} checkpoints`, kind: "checkpoint", survivalMs: 0, how: "stateless flows: checkpoints hold offsets, not values" });
    }
  }
  return rows;
}

/** Whether a copy counts against the erasure deadline: legal holds are exempt (GDPR Art. 17(3)(b)) and listed apart. */
export function againstDeadline(r: SurvivalRow): boolean {
  return r.kind !== "legal-hold";
}

/** The table as Markdown, days with one decimal, with the limit marked; legal holds in a table of their own after it. */
export function survivalMarkdown(rows: readonly SurvivalRow[], deadlineMs: number): string {
  const fmt = (ms: number) => (ms / MS_PER_DAY).toFixed(1);
  const lines = [
    `| Copy of personal data | Kind | Can outlive an erasure request by (days) | Within ${fmt(deadlineMs)} days | How |`,
    "|---|---|---:|:---:|---|",
    ...rows.filter(againstDeadline).map((r) => `| ${r.copy} | ${r.kind} | ${fmt(r.survivalMs)} | ${r.survivalMs <= deadlineMs ? "yes" : "**no**"} | ${r.how} |`),
  ];
  const held = rows.filter((r) => !againstDeadline(r));
  if (held.length > 0) {
    lines.push(
      "",
      "Legal holds (exempt from the erasure deadline: kept as the law asks, restricted to the GDPR officer and the legal-hold role):",
      "",
      "| Copy of personal data | Kind | Kept after an erasure request for at most (days) | How |",
      "|---|---|---:|---|",
      ...held.map((r) => `| ${r.copy} | ${r.kind} | ${fmt(r.survivalMs)} | ${r.how} |`),
    );
  }
  return lines.join("\n");
}

/**
 * Days an erasure may stay `erasing` (waiting for the domains' pipeline updates to verify it) before the nightly
 * retention job marks it failed and deletes its inbox row (lakemesh_gdpr.ERASING_MAX_AGE; a test holds them equal).
 */
export const GDPR_ERASING_MAX_DAYS = 3;

/**
 * The GDPR request inbox's copies of raw subject ids (sql/tables/gdpr_request_inbox.sql): a row lives until its
 * request ends (the job deletes it; the nightly retention job deletes rows whose job never ran after a day), the file
 * that held it until the next VACUUM past the table's threshold. No deletion vectors, so the DELETE rewrites the file;
 * statistics on request_id only, so the log holds no subject id.
 */
export function inboxSurvival(table: string, createSql: string, a: SurvivalAssumptions): SurvivalRow[] {
  const prop = (key: string) => new RegExp(`'${key.replace(/\./g, "\\.")}' = '([^']*)'`).exec(createSql)?.[1];
  const threshold = prop("delta.deletedFileRetentionDuration");
  const stats = prop("delta.dataSkippingStatsColumns");
  const unfiledMs = MS_PER_DAY + a.vacuumIntervalMs; // a row whose job never ran: deleted by the next nightly run after a day
  // An erasure still `erasing` (not verified after the domains' updates) keeps its row; the nightly run gives it up
  // (failed, row deleted) once it is older than GDPR_ERASING_MAX_DAYS.
  const erasingMs = GDPR_ERASING_MAX_DAYS * MS_PER_DAY + a.vacuumIntervalMs;
  return [
    {
      copy: table,
      kind: "inbox",
      survivalMs: Math.max(a.erasureLatencyMs, unfiledMs, erasingMs) + intervalMs(threshold, 7 * MS_PER_DAY) + a.vacuumIntervalMs,
      how: `deleted when the request ends (after a day unrun, after ${GDPR_ERASING_MAX_DAYS} days unverified) + VACUUM threshold (${threshold ?? "7 days, the default"}) + VACUUM interval`,
    },
    {
      copy: `${table}/_delta_log`,
      kind: "delta-log",
      survivalMs: stats === "request_id" ? 0 : intervalMs(prop("delta.logRetentionDuration"), 30 * MS_PER_DAY) + a.vacuumIntervalMs,
      how: stats === "request_id" ? "statistics on request_id only: the log holds no subject id" : "min/max statistics of the subject id stay for the log retention",
    },
  ];
}

/**
 * Subject-access exports (JSON files under the GDPR settings' export_root, one folder per request): the erasure job
 * deletes the erased subject's exports at once, and the nightly retention job deletes every export older than
 * export_retention_days. So an export outlives an erasure request by at most the erasure latency, and no export lives
 * longer than its retention plus one interval of the nightly job, whichever comes first.
 */
export function exportSurvival(exportRoot: string, retentionDays: number, a: SurvivalAssumptions): SurvivalRow {
  const lifetimeMs = retentionDays * MS_PER_DAY + a.vacuumIntervalMs;
  return {
    copy: `${exportRoot}/<request>`,
    kind: "export",
    survivalMs: Math.min(a.erasureLatencyMs, lifetimeMs),
    how: `deleted by the erasure job with the subject's other data; every export deleted by the nightly retention job after ${retentionDays} days (at most ${(lifetimeMs / MS_PER_DAY).toFixed(1)} days old)`,
  };
}
