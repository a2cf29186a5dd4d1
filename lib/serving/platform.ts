// What the program provisions for serving (platform stack, `lakemesh:serving` set): one service principal per
// tenant with a federation policy (no stored secret), its membership in the API and BI persona groups and its row in
// governance.tenant_principals; the API's GDPR intake table; the embedded dashboards and the workspace's embedding
// settings; and the API's runtime configuration. Pure: settings and mesh in, plain specs out.
import { commentLiteral, qualifiedName, renderTemplate } from "../sql";
import { loadTemplate } from "../sql/template";
import { GOVERNANCE_SCHEMA, gdprJobName, governanceNames, platformPhysicalNames } from "../compile/naming";
import { mergeGrants, type GrantSpec } from "../compile/grants";
import type { GovernanceObjectSpec, SqlStatement } from "../compile/governance";
import { compileTableMigration } from "../compile/governance-migrations";
import type { Mesh } from "../compile/model";
import type { ServingSettings, Settings } from "../compile/settings";
import { compileServingCatalog, type ServingCatalog } from "./catalog";
import { compileDashboards, type DashboardSpec } from "./dashboards";

/** Audience of the tokens the API signs and exchanges at Databricks for its tenant principals' tokens. */
export const FEDERATION_AUDIENCE = "lakemesh-serving-federation";
/** Id of each tenant principal's federation policy. */
export const FEDERATION_POLICY_ID = "lakemesh-serving";
/**
 * The role tenant principals have in tenant_principals: masks reveal the tenant's values to client admins. One
 * principal serves both personas of its tenant: client admins (who may see their tenant's personal values) and end
 * users, who read their own subject's personal values. A mask knows no subject, so a principal mapped as end_user
 * would mask an end user's own data from them; the subject boundary is the API's bound predicate and per-row check
 * (lib/serving/query.ts). The access report shows what this principal reads (`tenant principal <tenant>` rows), and
 * lm-tenant-isolation holds it to this role and to its own tenant.
 */
export const TENANT_PRINCIPAL_ROLE = "client_admin";

export interface TenantPrincipalSpec {
  readonly tenant: string;
  /** Pulumi logical name (from the tenant id, never a position). */
  readonly resourceName: string;
  readonly displayName: string;
  /** `sub` of the tokens the API signs for this tenant; the federation policy admits exactly this subject. */
  readonly federationSubject: string;
  /** Account groups it joins: the API and BI personas, whose grants it needs. */
  readonly groups: readonly string[];
}

export interface DashboardResourceSpec extends DashboardSpec {
  readonly parentPath: string;
  /** Published with individual data permissions: viewers' (tenant principals') own grants and row filters apply. */
  readonly embedCredentials: false;
  readonly permissions: readonly { readonly principal: string; readonly level: "CAN_MANAGE" | "CAN_RUN" | "CAN_READ" }[];
}

export interface ServingSpec {
  readonly settings: ServingSettings;
  readonly catalog: ServingCatalog;
  readonly tenants: readonly TenantPrincipalSpec[];
  readonly federation: { readonly issuer: string; readonly audience: string; readonly policyId: string };
  readonly dashboards: readonly DashboardResourceSpec[];
  readonly embedding: { readonly accessPolicyType: "ALLOW_APPROVED_DOMAINS"; readonly approvedDomains: readonly string[] };
  /** The API's GDPR intake table (append-only, row-filtered by tenant) and its grants. */
  readonly intakeTable: GovernanceObjectSpec;
  readonly intakeGrants: readonly GrantSpec[];
  /** Who runs GDPR jobs for the API: the API persona (tenant principals are in its group). */
  readonly gdprJobs: { readonly access: string; readonly erasure: string; readonly exportRoot: string; readonly runners: readonly string[] };
}

export class ServingSpecError extends Error {}

/** Table of the API's GDPR requests: one row per status change (append-only), never a raw subject id. */
export function intakeTableName(catalog: string): string {
  return `${catalog}.${GOVERNANCE_SCHEMA}.serving_gdpr_requests`;
}

/** The serving plan of a stack, or undefined when the stack serves nothing (`lakemesh:serving` unset). */
export function compileServing(s: Settings, mesh: Mesh): ServingSpec | undefined {
  const v = s.serving;
  if (!v) return undefined;
  const g = governanceNames(s.catalog);
  const table = intakeTableName(s.catalog);
  const intakeSql = renderTemplate(loadTemplate("tables/serving_gdpr_requests.sql"), { table: qualifiedName(table), tenant_filter: qualifiedName(g.tenantFilter), comment: commentLiteral("lakemesh: GDPR requests filed through the serving API (append-only, no raw subject ids)") });
  const dashboards = compileDashboards(s.catalog, mesh).map(
    (d): DashboardResourceSpec => ({
      ...d,
      parentPath: `${s.databricks.workspaceRoot}/dashboards`,
      embedCredentials: false,
      permissions: [
        { principal: s.personas.platform_admin, level: "CAN_MANAGE" as const },
        { principal: s.personas.bi_service, level: "CAN_RUN" as const },
      ].sort((a, b) => (a.principal < b.principal ? -1 : 1)),
    }),
  );
  return {
    settings: v,
    catalog: compileServingCatalog(s.catalog, mesh),
    tenants: v.tenants.map((tenant) => ({
      tenant,
      resourceName: `serving-tenant-${tenant}`,
      displayName: `${s.prefix}-${s.env}-serving-${tenant}`,
      federationSubject: `lakemesh-serving:${s.env}:tenant:${tenant}`,
      groups: [...new Set([s.personas.api_service, s.personas.bi_service])].sort(),
    })),
    federation: { issuer: v.publicUrl, audience: FEDERATION_AUDIENCE, policyId: FEDERATION_POLICY_ID },
    dashboards,
    embedding: { accessPolicyType: "ALLOW_APPROVED_DOMAINS", approvedDomains: [...v.embedding.approvedDomains].sort() },
    intakeTable: {
      resourceName: "governance-serving_gdpr_requests",
      kind: "table",
      name: table,
      create: [{ sql: intakeSql }],
      drop: [],
      // Versioned like the platform's governance tables, so a later column reaches tables that already exist.
      migration: compileTableMigration(table, "serving_gdpr_requests", intakeSql),
    },
    intakeGrants: mergeGrants([
      { principal: s.personas.platform_admin, privileges: ["ALL_PRIVILEGES"] },
      { principal: s.personas.api_service, privileges: ["MODIFY", "SELECT"] },
      { principal: s.personas.gdpr_officer, privileges: ["SELECT"] },
      { principal: s.personas.auditor, privileges: ["SELECT"] },
    ]),
    gdprJobs: {
      access: gdprJobName(s, "subject-access"),
      erasure: gdprJobName(s, "erasure"),
      exportRoot: `/Volumes/${s.catalog}/${GOVERNANCE_SCHEMA}/${platformPhysicalNames(s).gdprVolume}`,
      runners: [s.personas.api_service],
    },
  };
}

/**
 * The tenant principals' rows in governance.tenant_principals, replaced in one statement pair. Application ids are
 * known only once the principals exist, so this takes them; every value is a bound parameter.
 */
export function tenantPrincipalRows(s: Settings, tenants: readonly { tenant: string; applicationId: string }[]): GovernanceObjectSpec {
  const g = governanceNames(s.catalog);
  const params: { name: string; value: string; type: "STRING" }[] = [];
  const tuples = tenants.map((t, i) => {
    params.push({ name: `tenant_${i}`, value: t.tenant, type: "STRING" }, { name: `principal_${i}`, value: t.applicationId, type: "STRING" });
    return `(:tenant_${i}, :principal_${i}, :role, current_timestamp())`;
  });
  params.push({ name: "role", value: TENANT_PRINCIPAL_ROLE, type: "STRING" });
  const principals = tenants.map((_, i) => `:principal_${i}`).join(", ");
  const create: SqlStatement[] =
    tenants.length === 0
      ? []
      : [
          { sql: `DELETE FROM ${qualifiedName(g.tenantPrincipals)} WHERE principal IN (${principals})`, parameters: params.filter((p) => p.name.startsWith("principal_")) },
          { sql: `INSERT INTO ${qualifiedName(g.tenantPrincipals)} (tenant_id, principal, role, updated_at) VALUES\n${tuples.join(",\n")}`, parameters: params },
        ];
  return { resourceName: "governance-tenant_principals-serving-rows", kind: "rows", name: `${g.tenantPrincipals}#serving`, create, drop: [] };
}

/** The API's runtime configuration (its ConfigMap), from the plan and the ids only a deployment knows. */
export function servingRuntimeConfig(
  s: Settings,
  spec: ServingSpec,
  ids: { readonly warehouseId: string; readonly applicationIds: Readonly<Record<string, string>>; readonly dashboardIds: Readonly<Record<string, string>> },
) {
  const v = spec.settings;
  const missing = spec.tenants.filter((t) => !ids.applicationIds[t.tenant]).map((t) => t.tenant);
  if (missing.length > 0) throw new ServingSpecError(`no application id for tenant(s) ${missing.join(", ")}`);
  return {
    listen: { host: "0.0.0.0", port: 8080 },
    publicUrl: v.publicUrl,
    identity: {
      issuer: v.identity.issuer,
      audience: v.identity.audience,
      algorithms: v.identity.algorithms,
      jwks: { url: v.identity.jwksUri },
      tenantClaim: v.identity.tenantClaim,
      subjectClaim: v.identity.subjectClaim,
      rolesClaim: v.identity.rolesClaim,
      roles: { client_admin: v.identity.clientAdminRoles, end_user: v.identity.endUserRoles },
    },
    rateLimit: { max: v.rateLimitPerMinute, timeWindowMs: 60_000 },
    databricks: {
      host: new URL(s.databricks.host).host,
      httpPath: `/sql/1.0/warehouses/${ids.warehouseId}`,
      workspaceId: v.workspaceId,
      federation: { issuer: spec.federation.issuer, audience: spec.federation.audience },
      tokenMinting: v.embedding.tokenMinting,
      tenants: Object.fromEntries(spec.tenants.map((t) => [t.tenant, { applicationId: ids.applicationIds[t.tenant], federationSubject: t.federationSubject }])),
      gdpr: { intakeTable: spec.intakeTable.name, accessJob: spec.gdprJobs.access, erasureJob: spec.gdprJobs.erasure, exportRoot: spec.gdprJobs.exportRoot },
    },
    dashboards: spec.dashboards.map((d) => ({ name: d.name, displayName: d.displayName, dashboardId: ids.dashboardIds[d.name] ?? "" })),
    catalog: spec.catalog,
  };
}

export type ServingRuntimeConfig = ReturnType<typeof servingRuntimeConfig>;
