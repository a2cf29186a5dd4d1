import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ruleId, T } from "../../lib";

/** ALL_PRIVILEGES includes MODIFY and MANAGE on everything below; only the platform admins hold it. */
export const policy: ResourceValidationPolicy = {
  name: ruleId(__filename),
  description: "ALL_PRIVILEGES is granted to no one but the platform admin group.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Grant the specific privileges the principal needs (USE_SCHEMA, SELECT, MODIFY, ...).",
  configSchema: { properties: { adminPattern: { type: "string", default: "-platform-admins$", description: "Regular expression of the platform admin group." } } },
  validateResource: (args, report) => {
    if (args.type !== T.Grants && args.type !== T.Grant) return;
    const { adminPattern } = args.getConfig<{ adminPattern: string }>();
    const admin = new RegExp(adminPattern);
    const entries = args.type === T.Grant ? [{ principal: args.props.principal, privileges: args.props.privileges }] : (args.props.grants ?? []);
    for (const g of entries as { principal: string; privileges: string[] }[]) {
      if ((g.privileges ?? []).includes("ALL_PRIVILEGES") && !admin.test(g.principal)) report(`ALL_PRIVILEGES granted to ${JSON.stringify(g.principal)}, who is not a platform admin`);
    }
  },
};
