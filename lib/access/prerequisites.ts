// What a stack relies on without creating it, listed explicitly: one-time account setup (principals, groups, the
// deployer's account roles, governed tags owned by another environment) and what the other stacks of the same
// environment create (the platform's grants for a domain stack, the domains' grants for a platform stack). The
// model counts a prerequisite as held only because it is listed; `lakemesh preflight` checks every one.
import { compileGdprJobs, gdprPipelines } from "../compile/gdpr-jobs";
import { compileGovernanceObjects } from "../compile/governance";
import { maskSpecs } from "../compile/masks";
import { compileSchemaGrants, compileTableGrants, domainPrincipal, isApplicationId } from "../compile/grants";
import { consumersOf, type Mesh } from "../compile/model";
import { domainGroup, governanceNames, pipelinesGroup, schemaName } from "../compile/naming";
import { compileMemberships, compilePlatform, compileTagPolicies } from "../compile/platform";
import { domainStackName, platformStackName } from "../compile/platform-outputs";
import { ownsAccountObjects, type Settings } from "../compile/settings";
import { compileServing } from "../serving/platform";
import { DEPLOYER, type Fact, type Prerequisite, type Securable } from "./types";

const ACCOUNT_SETUP = "account setup";

const factKey = (f: Fact): string => {
  switch (f.kind) {
    case "uc":
      return `uc:${f.principal}:${f.securable.kind}:${f.securable.name}:${f.privilege}`;
    case "acl":
      return `acl:${f.principal}:${f.object.kind}:${f.object.id}:${f.level}`;
    case "member":
      return `member:${f.principal}:${f.group}`;
    case "kafka":
      return `kafka:${f.principal}:${f.resourceType}:${f.name}:${f.operation}`;
    case "tag-assign":
      return `tag-assign:${f.principal}:${f.tagKey}`;
    case "governed-tag":
      return `governed-tag:${f.tagKey}`;
    case "role":
      return `${f.role}:${f.on}`;
    case "exists":
      return `exists:${f.principal}`;
    case "function":
      return `function:${f.name}`;
  }
};

const prereq = (providedBy: string, what: string, fact: Fact): Prerequisite => ({ id: factKey(fact), what, providedBy, fact });

/** The platform's grants, memberships and functions that the principals of domain `d` use (a domain stack's view). */
function fromPlatform(s: Settings, mesh: Mesh, d: string): Prerequisite[] {
  const by = `stack ${platformStackName(s.env)}`;
  const sp = domainPrincipal(s, d);
  // The domain's pipeline and job run as its principal; its DataHub ingestion reads as DataHub's.
  const datahub = s.databricks.datahubServicePrincipal;
  const mine = new Set([sp, pipelinesGroup(s), domainGroup(s, d), datahub]);
  const p = compilePlatform(s, mesh);
  const g = governanceNames(s.catalog);
  const functions = compileGovernanceObjects(s, maskSpecs(mesh)).filter((o) => o.kind === "function");
  const uc = (securable: Securable, grants: readonly { principal: string; privileges: readonly string[] }[]) =>
    grants.filter((x) => mine.has(x.principal)).flatMap((x) => x.privileges.map((privilege) => prereq(by, `${x.principal} holds ${privilege} on ${securable.name}`, { kind: "uc", principal: x.principal, securable, privilege })));
  return [
    ...uc({ kind: "catalog", name: s.catalog }, p.catalogGrants),
    ...uc({ kind: "schema", name: g.schema }, p.governanceSchemaGrants),
    ...functions.flatMap((f) => uc({ kind: "function", name: f.name }, p.functionGrants)),
    ...Object.entries(p.tableGrants).flatMap(([t, grants]) => uc({ kind: "table", name: `${g.schema}.${t}` }, grants)),
    ...[sp, datahub]
      .filter((x) => p.warehouseUsers.includes(x))
      .map((x) => prereq(by, `${x} may use the platform's SQL warehouse`, { kind: "acl", principal: x, object: { kind: "warehouse", id: "platform" }, level: "CAN_USE" })),
    ...p.memberships.filter((m) => m.member === sp).map((m) => prereq(by, `${sp} is a member of ${m.group}`, { kind: "member", principal: sp, group: m.group })),
    ...compileGdprJobs(s, gdprPipelines(s, mesh.domains))
      .secretScope.readers.filter((r) => mine.has(r))
      .map((r) => prereq(by, `${r} may read secret scope ${s.databricks.gdprSecretScope}`, { kind: "acl", principal: r, object: { kind: "secret-scope", id: s.databricks.gdprSecretScope }, level: "READ" })),
    ...functions.map((f) => prereq(by, `${f.name} is the platform's function`, { kind: "function", name: f.name, sql: f.create.map((x) => x.sql).join(";\n") })),
  ];
}

/** Grants the producers of domain `d`'s declared reads give its group (their schema Grants and governance SQL). */
function fromProducers(s: Settings, mesh: Mesh, d: string): Prerequisite[] {
  const group = domainGroup(s, d);
  return mesh.domains
    .filter((p) => consumersOf(mesh, p.metadata.name).some((c) => c.consumer.metadata.name === d && c.datasets.length > 0))
    .flatMap((p) => {
      const by = `stack ${domainStackName(s.env, p.metadata.name)}`;
      const schema = `${s.catalog}.${schemaName(p.metadata.name)}`;
      return [
        ...compileSchemaGrants(s, mesh, p)
          .grants.filter((x) => x.principal === group)
          .flatMap((x) => x.privileges.map((privilege) => prereq(by, `${group} holds ${privilege} on ${schema}`, { kind: "uc", principal: group, securable: { kind: "schema", name: schema }, privilege }))),
        ...compileTableGrants(s, mesh, p)
          .filter((x) => x.principal === group && x.action === "GRANT")
          .map((x) => prereq(`${by} (its governance SQL)`, `${group} holds SELECT on ${schema}.${x.table}`, { kind: "uc", principal: group, securable: { kind: "table", name: `${schema}.${x.table}` }, privilege: "SELECT" })),
      ];
    });
}

/** The domains' schema grants the platform's GDPR jobs and DataHub use (a platform stack's view). */
function fromDomains(s: Settings, mesh: Mesh): Prerequisite[] {
  const mine = new Set([s.personas.gdpr_officer, s.databricks.gdprServicePrincipal, s.databricks.datahubServicePrincipal]);
  return mesh.domains.flatMap((d) => {
    const by = `stack ${domainStackName(s.env, d.metadata.name)}`;
    const schema = `${s.catalog}.${schemaName(d.metadata.name)}`;
    return compileSchemaGrants(s, mesh, d)
      .grants.filter((x) => mine.has(x.principal))
      .flatMap((x) => x.privileges.map((privilege) => prereq(by, `${x.principal} holds ${privilege} on ${schema}`, { kind: "uc", principal: x.principal, securable: { kind: "schema", name: schema }, privilege })));
  });
}

/** Every prerequisite of a stack, sorted by id. */
export function prerequisites(s: Settings, mesh: Mesh): Prerequisite[] {
  const platformHere = s.mode !== "domain";
  const domains = s.mode === "domain" ? [s.domain!] : mesh.domains.map((d) => d.metadata.name);
  const runAs = [...domains.map((d) => domainPrincipal(s, d)), ...(platformHere ? [s.databricks.gdprServicePrincipal] : [])];
  // Every stack with a domain or the platform runs DataHub ingestion (recipes) or grants to its principal.
  // Persona service principals and every domain's group are named in the domain jobs' GRANT and REVOKE
  // statements (a REVOKE goes to every domain that does not read a table): a principal that does not exist fails
  // the statement, and the SQL task with it.
  const principals = [...runAs, s.databricks.datahubServicePrincipal, ...Object.values(s.personas).filter((p) => isApplicationId(p))];
  const groups = [...Object.values(s.personas).filter((p) => !isApplicationId(p)), pipelinesGroup(s), ...mesh.domains.map((d) => domainGroup(s, d.metadata.name))];
  const owner = `environment ${s.databricks.accountObjectsOwner} (owner of the account-level objects)`;
  const out: Prerequisite[] = [
    ...principals.map((p) => prereq(ACCOUNT_SETUP, `service principal ${p} exists and is assigned to the workspace`, { kind: "exists", principal: p })),
    ...groups.map((g) => prereq(ACCOUNT_SETUP, `account group ${g} exists and is assigned to the workspace`, { kind: "exists", principal: g })),
    ...runAs.map((p) => prereq(ACCOUNT_SETUP, `the deploying identity has the Service Principal User role on ${p}, to set it as run-as`, { kind: "role", principal: DEPLOYER, role: "servicePrincipal.user", on: p })),
    ...(platformHere
      ? // The serving tenant principals join the API and BI persona groups through the same account provider.
        [...new Set([...compileMemberships(s, mesh).map((m) => m.group), ...(compileServing(s, mesh)?.tenants.flatMap((t) => t.groups) ?? [])])].sort().map((g) =>
          prereq(ACCOUNT_SETUP, `the deploying identity's account credentials manage membership of ${g} (account admin or Group Manager role)`, { kind: "role", principal: DEPLOYER, role: "group.manager", on: g }),
        )
      : []),
    ...(ownsAccountObjects(s)
      ? [prereq(ACCOUNT_SETUP, "the deploying identity may create governed tags (workspace admins can by default)", { kind: "role", principal: DEPLOYER, role: "tagPolicy.creator", on: `accounts/${s.databricks.accountId}` })]
      : compileTagPolicies(mesh).flatMap((t) => [
          prereq(owner, `governed tag ${t.tagKey} exists with the values this stack assigns`, { kind: "governed-tag", tagKey: t.tagKey, values: [...t.values] }),
          prereq(owner, `${pipelinesGroup(s)} holds ASSIGN on governed tag ${t.tagKey} (databricks.tagAssignerGroups of ${s.databricks.accountObjectsOwner})`, { kind: "tag-assign", principal: pipelinesGroup(s), tagKey: t.tagKey }),
        ])),
    ...(s.mode === "domain" ? [...fromPlatform(s, mesh, s.domain!), ...fromProducers(s, mesh, s.domain!)] : []),
    ...(s.mode === "platform" ? fromDomains(s, mesh) : []),
  ];
  const seen = new Set<string>();
  return out.filter((p) => !seen.has(p.id) && !!seen.add(p.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
