import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { aclPrincipal, type PlatformSpec } from "../../lib/compile";
import { GroupMembership } from "../access";
import { lookupAtUpdate } from "../options";

/**
 * Account-level objects. Governed tags are account-wide ("Governed tags are defined at the account level",
 * https://docs.databricks.com/aws/en/data-governance/unity-catalog/abac/requirements), so only the stack that owns
 * the account's objects creates them, one after another (concurrent creation fails), retained on delete: other
 * environments' stacks use them, and destroying this stack must not remove them from under them. Each gets one
 * authoritative rule set: MANAGE for the platform admins and the deployer (the creator's MANAGE would otherwise be
 * overwritten), ASSIGN for every environment's pipelines group ("ASSIGN: assign governed tags to Unity Catalog
 * objects", https://docs.databricks.com/aws/en/admin/governed-tags/manage-permissions).
 */
export function createGovernedTags(spec: PlatformSpec, parent: pulumi.Resource): databricks.TagPolicy[] {
  const a = spec.account;
  if (!a.ownsAccountObjects) return [];
  // Who runs the update: looked up at update only (lookupAtUpdate), so a preview needs no workspace API.
  const deployer = lookupAtUpdate(() => databricks.getCurrentUserOutput({}, { parent }).aclPrincipalId);
  const managers = pulumi.all([deployer]).apply(([me]) => [...new Set([...a.tagManagers.map(aclPrincipal), me])].sort());
  const out: databricks.TagPolicy[] = [];
  for (const t of spec.tagPolicies) {
    const opts = { parent, protect: spec.protect, retainOnDelete: true };
    const tag = new databricks.TagPolicy(t.resourceName, { tagKey: t.tagKey, description: t.description, values: t.values.map((name) => ({ name })) }, { ...opts, dependsOn: out.slice(-1) });
    new databricks.AccessControlRuleSet(
      `${t.resourceName}-permissions`,
      {
        name: pulumi.interpolate`accounts/${a.accountId}/tagPolicies/${tag.id}/ruleSets/default`,
        grantRules: [
          { role: "roles/tagPolicy.assigner", principals: a.tagAssigners.map(aclPrincipal) },
          { role: "roles/tagPolicy.manager", principals: managers },
        ],
      },
      { ...opts, parent: tag },
    );
    out.push(tag);
  }
  return out;
}

/**
 * Workload principals in the account groups the filter and masks reveal to, through the account-level provider.
 * One lookup per group and per principal, at update (lookupAtUpdate).
 */
export function createMemberships(spec: PlatformSpec, accountProvider: databricks.Provider, parent: pulumi.Resource): GroupMembership[] {
  const groups = new Map<string, pulumi.Output<string>>();
  const members = new Map<string, pulumi.Output<string>>();
  const invoke = { parent, provider: accountProvider };
  return spec.memberships.map((m) => {
    if (!groups.has(m.group)) groups.set(m.group, lookupAtUpdate(() => databricks.getGroupOutput({ displayName: m.group }, invoke).id));
    if (!members.has(m.member)) members.set(m.member, lookupAtUpdate(() => databricks.getServicePrincipalOutput({ applicationId: m.member }, invoke).id));
    return new GroupMembership(m.resourceName, { group: m.group, member: m.member, groupId: groups.get(m.group)!, memberId: members.get(m.member)!, accountProvider }, { parent });
  });
}
