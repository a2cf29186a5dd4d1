import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ruleId, T } from "../../lib";

/** A compact-only topic keeps the latest value of every key forever. */
export const policy: ResourceValidationPolicy = {
  name: ruleId(__filename),
  description: "Every topic's cleanup.policy includes delete (compact alone keeps data forever).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set cleanup.policy to delete (or compact,delete with a bounded retention.ms).",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    if (args.type !== T.Topic) return;
    const policy = String(args.props.config?.["cleanup.policy"] ?? "");
    if (!policy.split(",").map((s) => s.trim()).includes("delete")) report(`topic ${args.props.name} has cleanup.policy ${JSON.stringify(policy || "unset")}; it must include delete`);
  },
};
