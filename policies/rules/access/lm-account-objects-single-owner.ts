import type { StackValidationPolicy } from "@pulumi/policy";
import { accountConflicts, identitiesOf, R, type AccountClaim } from "../../../lib/access";
import { accessView, checkedAtUpdate, identitiesUnknown, known, ruleId, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/**
 * Governed tags are account-level objects: every stack of an account sees the same ones. This stack may create
 * them only if its environment is the one its settings name as owner, and keeps them when it is destroyed. Whether
 * two environments of one account would both own them needs every stack's settings: `lakemesh plan` reads every
 * Pulumi.<stack>.yaml of the project and passes their claims as config (`stacks`); under `pulumi preview
 * --policy-pack` alone only this stack's part runs.
 */
export const policy: StackValidationPolicy = {
  name: ID,
  description:
    "Account-level objects (governed tags and who may assign them, account group memberships) are owned by exactly one environment per Databricks account: " +
    "a stack creates governed tags only when its environment is the named owner and keeps them on delete, and the stack files of one account agree on the owner and never manage the same membership " +
    "(\"governed tags are account-level tags\", https://docs.databricks.com/aws/en/admin/governed-tags/).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set the same lakemesh:databricks.accountObjectsOwner on every stack of the account; only that environment's platform (or single) stack creates governed tags; list the other environments' pipelines groups in its lakemesh:databricks.tagAssignerGroups.",
  configSchema: { properties: { stacks: { type: "array", items: { type: "object" }, default: [] } } },
  validateStack: (args, report) => {
    const view = accessView(args.resources);
    if (identitiesUnknown(view, ID)) return;
    const resources = view.resources;
    const ids = identitiesOf(resources);
    if (!ids) return;
    const a = ids.account;
    const tags = args.resources.filter((r) => r.type === R.TagPolicy);
    for (const t of tags) {
      if (!a.ownsAccountObjects) {
        report(`stack of environment ${ids.env} (mode ${ids.mode}) creates governed tag ${t.props.tagKey}, but account ${a.id}'s account-level objects belong to environment ${a.owner}'s platform stack`, t.urn);
      } else if ((t.opts as { retainOnDelete?: boolean }).retainOnDelete === false) {
        report(`governed tag ${t.props.tagKey} would be deleted with this stack, though every environment of account ${a.id} uses it; keep it on delete (retainOnDelete)`, t.urn);
      }
    }
    // A rule set's name embeds its object's id (accounts/<id>/tagPolicies/<tag policy id>), unknown at preview while
    // the tag policy is created: then its dependency on the tag policy says which object it is.
    const onTagPolicy = (x: (typeof args.resources)[number]) => {
      const name = known(() => String(x.props.name));
      if (name !== UNKNOWN) return /\/tagPolicies\//.test(name);
      if ((x.propertyDependencies?.name ?? []).some((d) => d.type === R.TagPolicy)) return true;
      checkedAtUpdate(ID, x.urn, "whether this rule set is a governed tag's (its name is unknown)");
      return false;
    };
    for (const r of args.resources.filter((x) => x.type === R.RuleSet && onTagPolicy(x) && !a.ownsAccountObjects)) {
      report(`stack of environment ${ids.env} sets the permissions of a governed tag it does not own (owner: environment ${a.owner})`, r.urn);
    }
    for (const p of accountConflicts(args.getConfig<{ stacks: AccountClaim[] }>().stacks)) report(p);
  },
};
