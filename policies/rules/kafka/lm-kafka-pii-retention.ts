import type { StackValidationPolicy } from "@pulumi/policy";
import { MS_PER_DAY } from "../../../lib/manifest/duration";
import { ERASURE_DEADLINE_MS } from "../../../lib/manifest/topic-retention";
import { checkedAtUpdate, known, personalTopics, ruleId, T, topicDeclaration, topicNumber, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** Kafka cannot delete one record: a topic with personal data must expire within the erasure deadline. */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "A topic carrying personal data has a bounded retention.ms (never -1) at or below the erasure deadline.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Lower the topic's retention in the manifest (e.g. P7D); events older than that are read from bronze, not Kafka.",
  configSchema: { properties: { maxRetentionMs: { type: "integer", minimum: 1, default: ERASURE_DEADLINE_MS } } },
  validateStack: (args, report) => {
    const { maxRetentionMs } = args.getConfig<{ maxRetentionMs: number }>();
    const personal = personalTopics(args.resources, ID);
    for (const t of args.resources.filter((r) => r.type === T.Topic)) {
      const name = known(() => t.props.name);
      if (name === UNKNOWN) {
        checkedAtUpdate(ID, t.urn, "whether this topic carries personal data (its name is unknown)");
        continue;
      }
      if (!personal.has(name)) continue;
      const ms = topicNumber(t.props, "retention.ms");
      const at = topicDeclaration(args.resources, name, "retention", ID);
      if (ms === UNKNOWN) checkedAtUpdate(ID, t.urn, `retention.ms of personal-data topic ${name}`);
      else if (ms === undefined || ms < 0 || !Number.isFinite(ms)) report(`${at}personal-data topic ${name} keeps events forever (retention.ms ${ms ?? "unset"})`, t.urn);
      else if (ms > maxRetentionMs) report(`${at}personal-data topic ${name} keeps events ${ms / MS_PER_DAY} days; at most ${maxRetentionMs / MS_PER_DAY} days (the erasure deadline)`, t.urn);
    }
  },
};
