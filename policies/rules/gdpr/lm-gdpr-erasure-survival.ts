import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { MS_PER_DAY, MS_PER_HOUR, parseDuration } from "../../../lib/manifest/duration";
import { ERASURE_DEADLINE_DAYS } from "../../../lib/manifest/topic-retention";
import { cronLongestGap } from "../../../lib/manifest/cron";
import { againstDeadline, exportSurvival, inboxSurvival, survivalMarkdown, survivalReport, type SurvivalRow } from "../../../lib/compile/survival";
import { GDPR_INBOX_TABLE } from "../../../lib/compile/naming";
import { GDPR_SETTINGS_FILE, type GdprSettingsFile } from "../../../lib/compile/gdpr-jobs";
import { checkedAtUpdate, contractsOf, domainProps, known, personalTopics, ruleId, T, topicNumber, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** The assumptions of the survival table; `lakemesh plan` prints the table with the same ones. */
export interface SurvivalConfig {
  readonly deadlineDays: number;
  readonly erasureLatencyHours: number;
  readonly vacuumIntervalHours: number;
}

export const SURVIVAL_DEFAULTS: SurvivalConfig = { deadlineDays: ERASURE_DEADLINE_DAYS, erasureLatencyHours: 24, vacuumIntervalHours: 24 };

/** When VACUUM runs: read from the plan's nightly retention job (the only job that VACUUMs), or assumed. */
export interface VacuumSchedule {
  readonly intervalMs: number;
  readonly runMs: number;
  /** How it was found, for the table's heading. */
  readonly source: string;
}

/**
 * The VACUUM schedule of these resources: the retention job's Quartz schedule (one that fires every day: its longest gap) and
 * its timeout (the longest a run takes to reach the last table). Without that job in the plan (a domain's own
 * stack), or with a schedule other than daily, the config's vacuumIntervalHours is assumed, and the heading says so.
 */
export function vacuumSchedule(resources: readonly Pick<PolicyResource, "type" | "props">[], c: SurvivalConfig): VacuumSchedule {
  const job = resources.find((r) => r.type === T.Job && known(() => r.props.tags?.lakemesh_gdpr) === "retention");
  const assumed = (why: string): VacuumSchedule => ({ intervalMs: c.vacuumIntervalHours * MS_PER_HOUR, runMs: 0, source: `VACUUM assumed every ${c.vacuumIntervalHours} h (${why})` });
  if (!job) return assumed("no retention job in this plan");
  const cron = known(() => job.props.schedule?.quartzCronExpression);
  const gap = typeof cron === "string" ? cronLongestGap(cron) : null;
  if (gap === null || known(() => job.props.schedule?.pauseStatus) === "PAUSED") return assumed(`the retention job's schedule ${JSON.stringify(cron)} is not a running daily one`);
  const interval = gap * 1000;
  const timeout = known(() => job.props.timeoutSeconds);
  const runMs = typeof timeout === "number" && timeout > 0 ? timeout * 1000 : 0;
  return { intervalMs: interval, runMs, source: `the retention job VACUUMs every registered table (schedule ${cron} UTC: at most ${interval / MS_PER_HOUR} h apart), each run at most ${runMs / MS_PER_HOUR} h` };
}

/** How long each copy of personal data in these resources can outlive an erasure request. */
export function survivalRows(resources: readonly Pick<PolicyResource, "type" | "props" | "urn">[], c: SurvivalConfig): SurvivalRow[] {
  const personal = personalTopics(resources, ID);
  const topics = resources
    .filter((r) => r.type === T.Topic)
    .flatMap((r) => {
      const name = known(() => r.props.name);
      if (name === UNKNOWN) {
        checkedAtUpdate(ID, r.urn, "whether this topic carries personal data (its name is unknown)");
        return [];
      }
      if (!personal.has(name)) return [];
      const retention = topicNumber(r.props, "retention.ms");
      const segment = topicNumber(r.props, "segment.ms");
      if (retention === UNKNOWN || segment === UNKNOWN) {
        checkedAtUpdate(ID, r.urn, `how long topic ${name} keeps personal data (its retention or segment is unknown)`);
        return [];
      }
      const retentionMs = retention ?? Infinity;
      return [{ name: String(name), retentionMs: retentionMs < 0 ? Infinity : retentionMs, segmentMs: segment ?? 7 * MS_PER_DAY }];
    });
  const refresh = new Map(
    resources.flatMap((r) => {
      const d = domainProps(r, ID);
      return d ? [[d.manifest.metadata.name, parseDuration(d.manifest.spec.sla.freshness) ?? MS_PER_DAY] as [string, number]] : [];
    }),
  );
  const v = vacuumSchedule(resources, c);
  const assumptions = { erasureLatencyMs: c.erasureLatencyHours * MS_PER_HOUR, vacuumIntervalMs: v.intervalMs, vacuumRunMs: v.runMs };
  // The GDPR request inbox (platform stack): raw subject ids until a request ends.
  const inbox = resources.flatMap((r) => {
    const name = r.type === T.SqlObject ? known(() => r.props.objectName) : undefined;
    if (typeof name !== "string" || !name.endsWith(`.${GDPR_INBOX_TABLE}`)) return [];
    const create = known(() => (r.props.create as { sql: string }[]).map((x) => x.sql).join("\n"));
    if (create === UNKNOWN) {
      checkedAtUpdate(ID, r.urn, `how long ${name} keeps subject ids (its statements are unknown)`);
      return [];
    }
    return inboxSurvival(name, create, assumptions);
  });
  // Subject-access exports (platform stack): their retention is what the GDPR jobs' settings file says.
  const exports = resources.flatMap((r) => {
    const path = r.type === T.WorkspaceFile ? known(() => r.props.path) : undefined;
    if (typeof path !== "string" || !path.endsWith(`/${GDPR_SETTINGS_FILE}`)) return [];
    const b64 = known(() => r.props.contentBase64);
    if (typeof b64 !== "string") {
      checkedAtUpdate(ID, r.urn, `how long subject-access exports are kept (${path} is unknown)`);
      return [];
    }
    const file = JSON.parse(Buffer.from(b64, "base64").toString("utf8")) as Partial<GdprSettingsFile>;
    // A settings file without a retention (an older one) keeps exports for ever: shown as such, and over the deadline.
    const days = typeof file.export_retention_days === "number" ? file.export_retention_days : Infinity;
    return [exportSurvival(String(file.export_root), days, { ...assumptions, erasureLatencyMs: days === Infinity ? Infinity : assumptions.erasureLatencyMs })];
  });
  return [...survivalReport(contractsOf(resources, ID).map((x) => x.contract), topics, refresh, assumptions), ...inbox, ...exports];
}

/** The survival table in Markdown, headed by its assumptions and the VACUUM schedule it was computed from. */
export function survivalTable(rows: readonly SurvivalRow[], c: SurvivalConfig, schedule?: VacuumSchedule): string {
  const vacuum = schedule ? schedule.source : `VACUUM assumed every ${c.vacuumIntervalHours} h`;
  return `Assumes the erasure job finishes within ${c.erasureLatencyHours} h; ${vacuum}; the deadline is ${c.deadlineDays} days.\n\n${survivalMarkdown(rows, c.deadlineDays * MS_PER_DAY)}`;
}

/**
 * For each copy of personal data (topic, bronze, silver, gold, Delta log, checkpoints) the longest time it can
 * outlive an erasure request stays within the deadline. The table is printed with the violations.
 */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "No copy of personal data (topic, bronze, silver, gold, Delta log, checkpoint, request inbox, subject-access export) can outlive an erasure request by more than the deadline; rows restricted under a declared legal hold are listed apart, exempt.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Shorten topic retention, the VACUUM threshold (lakemesh:databricks.vacuumRetentionHours) or the refresh interval, or exclude personal columns from Delta statistics.",
  configSchema: {
    properties: {
      deadlineDays: { type: "number", minimum: 1, default: SURVIVAL_DEFAULTS.deadlineDays },
      erasureLatencyHours: { type: "number", minimum: 0, default: SURVIVAL_DEFAULTS.erasureLatencyHours },
      vacuumIntervalHours: { type: "number", minimum: 1, default: SURVIVAL_DEFAULTS.vacuumIntervalHours },
    },
  },
  validateStack: (args, report) => {
    const c = args.getConfig<SurvivalConfig>();
    const rows = survivalRows(args.resources, c);
    const deadline = c.deadlineDays * MS_PER_DAY;
    // Legal holds are kept as the law asks (GDPR Art. 17(3)(b)): listed apart, not held to the deadline.
    const over = rows.filter((r) => againstDeadline(r) && !(r.survivalMs <= deadline));
    if (over.length > 0) {
      report(`${over.length} copies of personal data can outlive an erasure request by more than ${c.deadlineDays} days: ${over.map((r) => `${r.copy} (${(r.survivalMs / MS_PER_DAY).toFixed(1)} d)`).join(", ")}\n${survivalMarkdown(rows, deadline)}`);
    }
  },
};
