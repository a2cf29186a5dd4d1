import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, known, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** A compact-only topic keeps the latest value of every key forever. */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "Every topic's cleanup.policy includes delete (compact alone keeps data forever).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set cleanup.policy to delete (or compact,delete with a bounded retention.ms).",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    if (args.type !== T.Topic) return;
    const policy = known(() => String(args.props.config?.["cleanup.policy"] ?? ""));
    if (policy === UNKNOWN) return checkedAtUpdate(ID, args.urn, "cleanup.policy");
    if (!policy.split(",").map((s) => s.trim()).includes("delete")) report(`topic ${known(() => args.props.name) === UNKNOWN ? args.name : args.props.name} has cleanup.policy ${JSON.stringify(policy || "unset")}; it must include delete`);
  },
};
