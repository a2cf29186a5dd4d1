import type { StackValidationPolicy } from "@pulumi/policy";
import { ruleId, takeDeferred } from "../../lib";

/**
 * Lists what the other rules could not check at preview because an input they need is unknown until the update (an
 * id, a provider-computed value), so a preview says what it did not prove. Runs last: the engine analyses every
 * resource, then runs the stack rules in pack order, in the same policy-pack process. At `pulumi up` the values are
 * known and the same rules check them: resource rules before the resource changes, stack rules once the update ran.
 */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: "Lists the checks other rules leave to `pulumi up` because their inputs are unknown at preview.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps: "Nothing to fix: `pulumi up` checks these. To check them before an update, run `lakemesh plan`, which knows every value.",
  configSchema: { properties: {} },
  validateStack: (_args, report) => {
    for (const d of takeDeferred()) report(`${d.rule}: ${d.what}; checked at update`, d.urn);
  },
};
