import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ruleId, T } from "../../lib";

/** Keys that protect personal data rotate. */
export const policy: ResourceValidationPolicy = {
  name: ruleId(__filename),
  description: "Every KMS key has automatic rotation on.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set enableKeyRotation: true on the aws.kms.Key.",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    if (args.type === T.KmsKey && args.props.enableKeyRotation !== true) report(`KMS key ${args.name} does not rotate`);
  },
};
