import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, known, ruleId, T, topicNumber, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** Retention deletes whole closed segments: a segment longer than retention keeps data past it. */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "Every topic sets segment.ms, no longer than its retention.ms.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Set segment.ms to at most retention.ms (lakemesh uses min(retention, 1 day)).",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    if (args.type !== T.Topic) return;
    const name = known(() => args.props.name);
    const label = name === UNKNOWN ? args.name : name;
    const segment = topicNumber(args.props, "segment.ms");
    const retention = topicNumber(args.props, "retention.ms");
    if (segment === UNKNOWN || retention === UNKNOWN) return checkedAtUpdate(ID, args.urn, "segment.ms against retention.ms");
    if (segment === undefined) report(`topic ${label} does not set segment.ms (the broker default is 7 days)`);
    else if (retention !== undefined && retention >= 0 && segment > retention) report(`topic ${label} has segment.ms ${segment} above retention.ms ${retention}`);
  },
};
