import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, known, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** ALL_PRIVILEGES includes MODIFY and MANAGE on everything below; only the platform admins hold it. */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "ALL_PRIVILEGES is granted to no one but the platform admin group.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Grant the specific privileges the principal needs (USE_SCHEMA, SELECT, MODIFY, ...).",
  configSchema: { properties: { adminPattern: { type: "string", default: "-platform-admins$", description: "Regular expression of the platform admin group." } } },
  validateResource: (args, report) => {
    if (args.type !== T.Grants && args.type !== T.Grant) return;
    const { adminPattern } = args.getConfig<{ adminPattern: string }>();
    const admin = new RegExp(adminPattern);
    const entries = known(() => (args.type === T.Grant ? [{ principal: args.props.principal, privileges: args.props.privileges }] : [...(args.props.grants ?? [])]) as { principal: string; privileges: string[] }[]);
    if (entries === UNKNOWN) return checkedAtUpdate(ID, args.urn, "the grants (unknown)");
    for (const g of entries) {
      const entry = known(() => ({ principal: g.principal, all: (g.privileges ?? []).includes("ALL_PRIVILEGES") }));
      if (entry === UNKNOWN) checkedAtUpdate(ID, args.urn, "a grant's principal or privileges (unknown)");
      else if (entry.all && !admin.test(entry.principal)) report(`ALL_PRIVILEGES granted to ${JSON.stringify(entry.principal)}, who is not a platform admin`);
    }
  },
};
