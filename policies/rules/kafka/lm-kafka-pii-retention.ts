import type { StackValidationPolicy } from "@pulumi/policy";
import { personalTopics, ruleId, T, topicNumber } from "../../lib";

const DAY_MS = 86_400_000;

/** Kafka cannot delete one record: a topic with personal data must expire within the erasure deadline. */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: "A topic carrying personal data has a bounded retention.ms (never -1) at or below the erasure deadline.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Lower the topic's retention in the manifest (e.g. P7D); events older than that are read from bronze, not Kafka.",
  configSchema: { properties: { maxRetentionMs: { type: "integer", minimum: 1, default: 30 * DAY_MS } } },
  validateStack: (args, report) => {
    const { maxRetentionMs } = args.getConfig<{ maxRetentionMs: number }>();
    const personal = personalTopics(args.resources);
    for (const t of args.resources.filter((r) => r.type === T.Topic && personal.has(r.props.name))) {
      const ms = topicNumber(t.props, "retention.ms");
      if (ms === undefined || ms < 0 || !Number.isFinite(ms)) report(`personal-data topic ${t.props.name} keeps events forever (retention.ms ${ms ?? "unset"})`, t.urn);
      else if (ms > maxRetentionMs) report(`personal-data topic ${t.props.name} keeps events ${ms / DAY_MS} days; at most ${maxRetentionMs / DAY_MS} days (the erasure deadline)`, t.urn);
    }
  },
};
