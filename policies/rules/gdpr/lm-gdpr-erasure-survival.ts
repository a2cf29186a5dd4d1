import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { MS_PER_DAY, MS_PER_HOUR, parseDuration } from "../../../lib/manifest/duration";
import { ERASURE_DEADLINE_DAYS } from "../../../lib/manifest/topic-retention";
import { exportSurvival, inboxSurvival, survivalMarkdown, survivalReport, type SurvivalRow } from "../../../lib/compile/survival";
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
  const assumptions = { erasureLatencyMs: c.erasureLatencyHours * MS_PER_HOUR, vacuumIntervalMs: c.vacuumIntervalHours * MS_PER_HOUR };
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
    const v = JSON.parse(Buffer.from(b64, "base64").toString("utf8")) as Partial<GdprSettingsFile>;
    // A settings file without a retention (an older one) keeps exports for ever: shown as such, and over the deadline.
    const days = typeof v.export_retention_days === "number" ? v.export_retention_days : Infinity;
    return [exportSurvival(String(v.export_root), days, { ...assumptions, erasureLatencyMs: days === Infinity ? Infinity : assumptions.erasureLatencyMs })];
  });
  return [...survivalReport(contractsOf(resources, ID).map((x) => x.contract), topics, refresh, assumptions), ...inbox, ...exports];
}

/** The survival table in Markdown, headed by its assumptions. */
export function survivalTable(rows: readonly SurvivalRow[], c: SurvivalConfig): string {
  return `Assumes the erasure job finishes within ${c.erasureLatencyHours} h and VACUUM runs every ${c.vacuumIntervalHours} h; the deadline is ${c.deadlineDays} days.\n\n${survivalMarkdown(rows, c.deadlineDays * MS_PER_DAY)}`;
}

/**
 * For each copy of personal data (topic, bronze, silver, gold, Delta log, checkpoints) the longest time it can
 * outlive an erasure request stays within the deadline. The table is printed with the violations.
 */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "No copy of personal data (topic, bronze, silver, gold, Delta log, checkpoint, request inbox, subject-access export) can outlive an erasure request by more than the deadline.",
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
    const over = rows.filter((r) => !(r.survivalMs <= deadline));
    if (over.length > 0) {
      report(`${over.length} copies of personal data can outlive an erasure request by more than ${c.deadlineDays} days: ${over.map((r) => `${r.copy} (${(r.survivalMs / MS_PER_DAY).toFixed(1)} d)`).join(", ")}\n${survivalMarkdown(rows, deadline)}`);
    }
  },
};
