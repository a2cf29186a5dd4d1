import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, known, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** Keys that protect personal data rotate. */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "Every KMS key has automatic rotation on.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set enableKeyRotation: true on the aws.kms.Key.",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    if (args.type !== T.KmsKey) return;
    const rotation = known(() => args.props.enableKeyRotation);
    if (rotation === UNKNOWN) checkedAtUpdate(ID, args.urn, "enableKeyRotation");
    else if (rotation !== true) report(`KMS key ${args.name} does not rotate`);
  },
};
