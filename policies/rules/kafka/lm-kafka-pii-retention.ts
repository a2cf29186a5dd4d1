import type { StackValidationPolicy } from "@pulumi/policy";
import { MS_PER_DAY } from "../../../lib/manifest/duration";
import { ERASURE_DEADLINE_MS } from "../../../lib/manifest/topic-retention";
import { personalTopics, ruleId, T, topicDeclaration, topicNumber } from "../../lib";

/** Kafka cannot delete one record: a topic with personal data must expire within the erasure deadline. */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: "A topic carrying personal data has a bounded retention.ms (never -1) at or below the erasure deadline.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Lower the topic's retention in the manifest (e.g. P7D); events older than that are read from bronze, not Kafka.",
  configSchema: { properties: { maxRetentionMs: { type: "integer", minimum: 1, default: ERASURE_DEADLINE_MS } } },
  validateStack: (args, report) => {
    const { maxRetentionMs } = args.getConfig<{ maxRetentionMs: number }>();
    const personal = personalTopics(args.resources);
    for (const t of args.resources.filter((r) => r.type === T.Topic && personal.has(r.props.name))) {
      const ms = topicNumber(t.props, "retention.ms");
      const at = topicDeclaration(args.resources, String(t.props.name), "retention");
      if (ms === undefined || ms < 0 || !Number.isFinite(ms)) report(`${at}personal-data topic ${t.props.name} keeps events forever (retention.ms ${ms ?? "unset"})`, t.urn);
      else if (ms > maxRetentionMs) report(`${at}personal-data topic ${t.props.name} keeps events ${ms / MS_PER_DAY} days; at most ${maxRetentionMs / MS_PER_DAY} days (the erasure deadline)`, t.urn);
    }
  },
};
