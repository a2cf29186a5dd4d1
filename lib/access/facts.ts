// What principals hold, read from what the plan registers: Grants and Grant, ownership of what the deployer
// creates, Permissions, SecretAcls, Kafka ACLs, group memberships managed at the account, governed tags and their
// rule sets, the GRANT and REVOKE statements of the domains' governance SQL (run by their jobs), the SQL of the
// filter and mask functions, and the listed prerequisites. Never from the specs the needs are computed from.
import { CONFIG_KEYS } from "../compile/pipeline";
import { PERMISSION_KEYS } from "./levels";
import { contractsByPath, filesByPath, governanceSql, identitiesOf, principalOf, R, workspacePath, type AccessResource } from "./plan";
import { DEPLOYER, type HeldFact, type Securable } from "./types";

const SECURABLE_KEYS = ["catalog", "schema", "table", "function", "volume"] as const;

/** The principal a rule-set entry names (`groups/x`, `servicePrincipals/x`, `users/x`), as Unity Catalog names it. */
export const fromAclPrincipal = (p: string) => p.replace(/^(groups|servicePrincipals|users)\//, "");

const unquote = (s: string) => s.replace(/`/g, "");

/** GRANT and REVOKE statements of a governance SQL file, in order. */
export function sqlGrants(sql: string): { action: "GRANT" | "REVOKE"; privilege: string; table: string; principal: string }[] {
  const out = [];
  for (const m of sql.matchAll(/^(GRANT|REVOKE)\s+([A-Z_ ]+?)\s+ON\s+TABLE\s+(\S+)\s+(?:TO|FROM)\s+`((?:[^`]|``)+)`\s*;/gm)) {
    out.push({ action: m[1] as "GRANT" | "REVOKE", privilege: m[2].trim().replace(/ /g, "_"), table: unquote(m[3]), principal: m[4].replace(/``/g, "`") });
  }
  return out;
}

/** Whether a provider resource is an account-level Databricks provider (account groups are managed there). */
const isAccountProvider = (p: AccessResource | undefined) => !!p && p.type === R.DatabricksProvider && /^https:\/\/accounts\./.test(String(p.inputs.host ?? ""));

export function planFacts(resources: readonly AccessResource[]): HeldFact[] {
  const out: HeldFact[] = [];
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const uc = (principal: string, securable: Securable, privilege: string, via: string) => out.push({ kind: "uc", principal, securable, privilege, via });
  for (const r of resources) {
    const i = r.inputs;
    switch (r.type) {
      case R.Grants:
      case R.Grant: {
        const key = SECURABLE_KEYS.find((k) => typeof i[k] === "string");
        if (!key) break;
        const securable = { kind: key, name: String(i[key]) };
        const entries: { principal: string; privileges: string[] }[] = r.type === R.Grants ? (i.grants ?? []) : [{ principal: i.principal, privileges: i.privileges ?? [] }];
        for (const e of entries) for (const p of e.privileges ?? []) uc(e.principal, securable, p, r.name);
        break;
      }
      case R.Catalog:
        uc(i.owner ?? DEPLOYER, { kind: "catalog", name: String(i.name) }, "OWNER", `${r.name} (creator)`);
        break;
      case R.Schema:
        uc(i.owner ?? DEPLOYER, { kind: "schema", name: `${i.catalogName}.${i.name}` }, "OWNER", `${r.name} (creator)`);
        break;
      case R.Volume:
        uc(i.owner ?? DEPLOYER, { kind: "volume", name: `${i.catalogName}.${i.schemaName}.${i.name}` }, "OWNER", `${r.name} (creator)`);
        break;
      case R.SqlObject:
        if (i.kind === "function" || i.kind === "table") uc(DEPLOYER, { kind: i.kind, name: String(i.objectName) }, "OWNER", `${r.name} (creator)`);
        break;
      case R.Permissions: {
        const key = Object.keys(PERMISSION_KEYS).find((k) => typeof i[k] === "string");
        if (!key) break;
        const object = { kind: PERMISSION_KEYS[key], id: String(i[key]) };
        for (const a of i.accessControls ?? []) {
          const principal = principalOf(a);
          if (principal) out.push({ kind: "acl", principal, object, level: a.permissionLevel, via: r.name });
        }
        break;
      }
      case R.SecretAcl:
        out.push({ kind: "acl", principal: i.principal, object: { kind: "secret-scope", id: String(i.scope) }, level: i.permission, via: r.name });
        break;
      case R.KafkaAcl:
        if (i.aclPermissionType === "Allow" && (i.aclHost === "*" || i.aclHost === undefined)) {
          out.push({ kind: "kafka", principal: i.aclPrincipal, resourceType: i.aclResourceType, name: i.aclResourceName, patternType: i.resourcePatternTypeFilter, operation: i.aclOperation, via: r.name });
        }
        break;
      case R.GroupMembership: {
        // Counted only when managed through an account-level provider: a workspace-level one cannot change an
        // account group's members (see components/providers.ts).
        const child = resources.find((c) => c.parent === r.urn && c.type === R.GroupMember);
        if (child && isAccountProvider(byUrn.get(child.provider))) out.push({ kind: "member", principal: i.member, group: i.group, via: r.name });
        break;
      }
      case R.TagPolicy:
        out.push({ kind: "governed-tag", tagKey: i.tagKey, values: (i.values ?? []).map((v: { name: string }) => v.name), via: r.name });
        break;
      case R.RuleSet: {
        // A tag policy's rule set names the policy by id; the policy is the resource it depends on (or its parent).
        if (!/^accounts\/[^/]+\/tagPolicies\/[^/]+\/ruleSets\/default$/.test(String(i.name))) break;
        const tag = [...r.dependsOn, r.parent].map((u) => byUrn.get(u)).find((x) => x?.type === R.TagPolicy);
        if (!tag) break;
        for (const rule of i.grantRules ?? []) {
          if (rule.role !== "roles/tagPolicy.assigner" && rule.role !== "roles/tagPolicy.manager") continue;
          for (const p of rule.principals ?? []) out.push({ kind: "tag-assign", principal: fromAclPrincipal(p), tagKey: tag.inputs.tagKey, via: r.name });
        }
        break;
      }
    }
  }
  out.push(...pipelineOwnership(resources), ...jobSqlGrants(resources));
  for (const [name, sql] of governanceSql(resources)) out.push({ kind: "function", name, sql, via: name });
  for (const p of identitiesOf(resources)?.prerequisites ?? []) out.push({ ...p.fact, via: `prerequisite ${p.id} (${p.providedBy})` });
  return out;
}

/**
 * A pipeline's published tables belong to the pipeline's owner: its creator (the deployer) unless its ACL names
 * another IS_OWNER. The docs do not say that a run-as identity owns them, so it is never counted as the owner.
 */
function pipelineOwnership(resources: readonly AccessResource[]): HeldFact[] {
  const contracts = contractsByPath(resources);
  // A pipeline's Permissions refer to it by id, so they depend on it.
  const owners = new Map<string, string>();
  for (const r of resources.filter((x) => x.type === R.Permissions && typeof x.inputs.pipelineId === "string")) {
    const owner = (r.inputs.accessControls ?? []).find((a: { permissionLevel: string }) => a.permissionLevel === "IS_OWNER");
    if (owner) for (const u of [...r.dependsOn, r.parent]) owners.set(u, principalOf(owner) ?? DEPLOYER);
  }
  const out: HeldFact[] = [];
  for (const p of resources.filter((x) => x.type === R.Pipeline)) {
    const contract = contracts.get(workspacePath(String(p.inputs.configuration?.[CONFIG_KEYS.contract] ?? "")));
    const owner = owners.get(p.urn) ?? DEPLOYER;
    for (const d of contract?.datasets ?? []) out.push({ kind: "uc", principal: owner, securable: { kind: "table", name: d.table }, privilege: "OWNER", via: `${p.name} (pipeline owner)` });
  }
  return out;
}

/** Table grants a domain job's SQL task applies, in statement order (a REVOKE removes an earlier GRANT). */
function jobSqlGrants(resources: readonly AccessResource[]): HeldFact[] {
  const files = filesByPath(resources);
  const state = new Map<string, HeldFact>();
  for (const j of resources.filter((x) => x.type === R.Job)) {
    for (const t of j.inputs.tasks ?? []) {
      const path = t.sqlTask?.file?.path;
      const sql = path ? files.get(workspacePath(path)) : undefined;
      if (!sql) continue;
      for (const g of sqlGrants(sql)) {
        const key = `${g.table}\u0000${g.principal}\u0000${g.privilege}`;
        if (g.action === "GRANT") state.set(key, { kind: "uc", principal: g.principal, securable: { kind: "table", name: g.table }, privilege: g.privilege, via: `${j.name} (governance SQL)` });
        else state.delete(key);
      }
    }
  }
  return [...state.values()];
}
