import type { StackValidationPolicy } from "@pulumi/policy";
import { parseDuration } from "../../../lib/manifest/duration";
import { DAY_MS, HOUR_MS, survivalMarkdown, survivalReport } from "../../../lib/compile/survival";
import { contractsOf, domainProps, personalTopics, ruleId, T, topicNumber } from "../../lib";

/**
 * For each copy of personal data (topic, bronze, silver, gold, Delta log, checkpoints) the longest time it can
 * outlive an erasure request stays within the deadline. The table is printed with the violations.
 */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: "No copy of personal data (topic, bronze, silver, gold, Delta log, checkpoint) can outlive an erasure request by more than the deadline.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Shorten topic retention, the VACUUM threshold (lakemesh:databricks.vacuumRetentionHours) or the refresh interval, or exclude personal columns from Delta statistics.",
  configSchema: {
    properties: {
      deadlineDays: { type: "number", minimum: 1, default: 30 },
      erasureLatencyHours: { type: "number", minimum: 0, default: 24 },
      vacuumIntervalHours: { type: "number", minimum: 1, default: 24 },
    },
  },
  validateStack: (args, report) => {
    const c = args.getConfig<{ deadlineDays: number; erasureLatencyHours: number; vacuumIntervalHours: number }>();
    const personal = personalTopics(args.resources);
    const topics = args.resources
      .filter((r) => r.type === T.Topic && personal.has(r.props.name))
      .map((r) => ({ name: String(r.props.name), retentionMs: topicNumber(r.props, "retention.ms") ?? Infinity, segmentMs: topicNumber(r.props, "segment.ms") ?? 7 * DAY_MS }));
    const refresh = new Map(
      args.resources.flatMap((r) => {
        const d = domainProps(r);
        return d ? [[d.manifest.metadata.name, parseDuration(d.manifest.spec.sla.freshness) ?? DAY_MS] as [string, number]] : [];
      }),
    );
    const rows = survivalReport(
      contractsOf(args.resources).map((x) => x.contract),
      topics.map((t) => ({ ...t, retentionMs: t.retentionMs < 0 ? Infinity : t.retentionMs })),
      refresh,
      { erasureLatencyMs: c.erasureLatencyHours * HOUR_MS, vacuumIntervalMs: c.vacuumIntervalHours * HOUR_MS },
    );
    const deadline = c.deadlineDays * DAY_MS;
    const over = rows.filter((r) => !(r.survivalMs <= deadline));
    if (over.length > 0) {
      report(`${over.length} copies of personal data can outlive an erasure request by more than ${c.deadlineDays} days: ${over.map((r) => `${r.copy} (${(r.survivalMs / DAY_MS).toFixed(1)} d)`).join(", ")}\n${survivalMarkdown(rows, deadline)}`);
    }
  },
};
