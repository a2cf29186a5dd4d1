import type { DomainManifest, Persona } from "../manifest";
import { bronzeTableName, domainGroup, QUARANTINE_TABLE, resourceName, schemaName } from "./naming";
import { consumersOf, hasTenantTopics, Mesh } from "./model";
import { READER_PERSONAS, Settings } from "./settings";

export interface GrantSpec {
  readonly principal: string;
  readonly privileges: readonly string[];
}

/** The one authoritative `databricks.Grants` of a domain's schema. */
export interface SchemaGrantsSpec {
  readonly resourceName: string;
  /** Schema name inside the stack's catalog. */
  readonly schema: string;
  /** Sorted by principal; privileges sorted. */
  readonly grants: readonly GrantSpec[];
}

/** SELECT on one pipeline table, granted or revoked by the domain's governance task once the table exists. */
export interface TableGrantSpec {
  readonly table: string;
  readonly principal: string;
  readonly action: "GRANT" | "REVOKE";
}

const OWNER_PRIVILEGES = ["APPLY_TAG", "CREATE_MATERIALIZED_VIEW", "CREATE_TABLE", "MODIFY", "REFRESH", "SELECT", "USE_SCHEMA"];
/**
 * The domain's service principal: what its pipeline needs to publish (CREATE TABLE / CREATE MATERIALIZED VIEW, and
 * MODIFY, SELECT, REFRESH on tables it may not own), and what its job needs to tag and grant. Who owns a pipeline's
 * published tables is not stated for a run-as identity that differs from the creator, so we take the stricter
 * reading (the run-as principal is not the owner) and give MANAGE on the schema, which lets a non-owner grant and
 * revoke on the schema's tables: https://docs.databricks.com/aws/en/data-governance/unity-catalog/manage-privileges/
 */
const WORKLOAD_PRIVILEGES = [...OWNER_PRIVILEGES, "MANAGE"];
/**
 * GDPR officers are people: they read (subject requests, audits) but change nothing by hand. Erasure and retention
 * change data as the GDPR jobs' own service principal, which alone holds MODIFY (issue 15, item 11).
 */
const GDPR_OFFICER_PRIVILEGES = ["SELECT", "USE_SCHEMA"];
const GDPR_JOB_PRIVILEGES = ["MODIFY", "SELECT", "USE_SCHEMA"];

/** Application id of the service principal a domain's pipeline and job run as. */
export function domainPrincipal(s: Settings, domain: string): string {
  const sp = s.databricks.domainServicePrincipals[domain];
  if (!sp) throw new Error(`lakemesh:databricks.domainServicePrincipals.${domain} is missing (checkDomainPrincipals first)`);
  return sp;
}

/** One entry per principal with the union of its privileges, principals and privileges sorted. */
export function mergeGrants(entries: readonly GrantSpec[]): GrantSpec[] {
  const by = new Map<string, Set<string>>();
  for (const e of entries) {
    const set = by.get(e.principal) ?? new Set<string>();
    e.privileges.forEach((p) => set.add(p));
    by.set(e.principal, set);
  }
  return [...by.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([principal, set]) => ({ principal, privileges: [...set].sort() }));
}

/**
 * Schema grants. Everyone who reads any table of the schema needs USE_SCHEMA; which tables they may read is decided
 * per table (tableGrants). A consumer whose declaration is removed loses USE_SCHEMA here, which this resource
 * enforces authoritatively, so a leftover table grant gives no access.
 */
export function compileSchemaGrants(s: Settings, mesh: Mesh, domain: DomainManifest): SchemaGrantsSpec {
  const name = domain.metadata.name;
  const readers = new Set<Persona>(domain.spec.datasets.flatMap((d) => d.access ?? []));
  const entries: GrantSpec[] = [
    { principal: s.personas.platform_admin, privileges: ["ALL_PRIVILEGES"] },
    { principal: domainGroup(s, name), privileges: OWNER_PRIVILEGES },
    { principal: domainPrincipal(s, name), privileges: WORKLOAD_PRIVILEGES },
    { principal: s.personas.gdpr_officer, privileges: GDPR_OFFICER_PRIVILEGES },
    { principal: s.databricks.gdprServicePrincipal, privileges: GDPR_JOB_PRIVILEGES },
    // DataHub lists the schema's metadata (BROWSE on the catalog); it reads no rows.
    { principal: s.databricks.datahubServicePrincipal, privileges: ["USE_SCHEMA"] },
    ...[...readers].map((p) => ({ principal: s.personas[p], privileges: ["USE_SCHEMA"] })),
    // The legal-hold role reads the held datasets' tables only (compileTableGrants).
    ...(domain.spec.datasets.some((d) => d.legalHold) ? [{ principal: s.personas.legal_hold, privileges: ["USE_SCHEMA"] }] : []),
    ...consumersOf(mesh, name)
      .filter((c) => c.datasets.length > 0)
      .map((c) => ({ principal: domainGroup(s, c.consumer.metadata.name), privileges: ["USE_SCHEMA"] })),
  ];
  return { resourceName: resourceName(name, "schema-grants"), schema: schemaName(name), grants: mergeGrants(entries) };
}

/**
 * Table SELECT grants, authoritative over every principal the platform grants tables to: each dataset to the
 * personas in its `access` and to the domains that declare reading it now; revoked from every other reader persona
 * and from every other domain of the mesh. The grants are SQL statements (pipeline tables exist only after an
 * update), so nothing remembers who was granted before: revoking from every managed principal that is not a current
 * reader is what takes a removed consumer's SELECT away (issue 15, item 7). A domain that left the mesh is no longer
 * on the list, but has lost USE CATALOG and USE SCHEMA (authoritative Grants), and is revoked again if it returns.
 * Raw bronze tables and the tenant quarantine view are granted to no reader persona.
 */
export function compileTableGrants(s: Settings, mesh: Mesh, domain: DomainManifest): TableGrantSpec[] {
  const name = domain.metadata.name;
  const reads = new Set(consumersOf(mesh, name).flatMap((c) => c.datasets.map((t) => `${c.consumer.metadata.name}\u0000${t}`)));
  const others = mesh.domains.map((d) => d.metadata.name).filter((d) => d !== name);
  const out: TableGrantSpec[] = [];
  const held = new Set(domain.spec.datasets.filter((d) => d.legalHold).map((d) => d.name));
  const tables: { table: string; access: readonly Persona[] }[] = [
    ...(domain.spec.topics ?? []).map((t) => ({ table: bronzeTableName(t.name), access: [] as Persona[] })),
    // Only platform admins (schema ALL_PRIVILEGES) and, through the schema, the GDPR officer read the tenant quarantine.
    ...(hasTenantTopics(domain) ? [{ table: QUARANTINE_TABLE, access: [] as Persona[] }] : []),
    ...domain.spec.datasets.map((d) => ({ table: d.name, access: d.access ?? [] })),
  ];
  for (const { table, access } of tables) {
    for (const p of READER_PERSONAS) out.push({ table, principal: s.personas[p], action: access.includes(p) ? "GRANT" : "REVOKE" });
    // Least privilege: SELECT on the tables of datasets under a legal hold (where its filter shows it restricted rows), nothing else.
    out.push({ table, principal: s.personas.legal_hold, action: held.has(table) ? "GRANT" : "REVOKE" });
    for (const other of others) out.push({ table, principal: domainGroup(s, other), action: reads.has(`${other}\u0000${table}`) ? "GRANT" : "REVOKE" });
  }
  // Two personas can map to one group: a GRANT wins over a REVOKE for the same principal and table.
  const granted = new Set(out.filter((g) => g.action === "GRANT").map((g) => `${g.table}\u0000${g.principal}`));
  const seen = new Set<string>();
  return out.filter((g) => {
    const k = `${g.table}\u0000${g.principal}\u0000${g.action}`;
    if (seen.has(k) || (g.action === "REVOKE" && granted.has(`${g.table}\u0000${g.principal}`))) return false;
    seen.add(k);
    return true;
  });
}

const APPLICATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a principal is a service principal application id (else it is a group, or a user name). */
export function isApplicationId(principal: string): boolean {
  return APPLICATION_ID.test(principal);
}

/** How account access-control rule sets name a principal: `servicePrincipals/<application id>` or `groups/<name>`. */
export function aclPrincipal(principal: string): string {
  return APPLICATION_ID.test(principal) ? `servicePrincipals/${principal}` : `groups/${principal}`;
}

/** How workspace permissions name a principal: a service principal by application id, anything else as a group. */
export function accessControl(principal: string): { servicePrincipalName: string } | { groupName: string } {
  return APPLICATION_ID.test(principal) ? { servicePrincipalName: principal } : { groupName: principal };
}
