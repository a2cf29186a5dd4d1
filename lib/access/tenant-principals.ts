// The serving API's tenant principals as the plan deploys them: which principal the API runs each tenant's requests
// as (the API's runtime configuration, the ConfigMap it reads), and the rows the plan writes to
// governance.tenant_principals for them (tenant, principal, role: the statements and their bound parameters, the
// values Databricks will hold). The row filter and masks decide by those rows, never by the serving settings that
// generated them, so a hand edit or a regression in the generator shows up here.
import { governanceNames } from "../compile/naming";
import { identitiesOf, R, type AccessResource } from "./plan";

/** One row the plan writes to governance.tenant_principals. */
export interface TenantMapping {
  readonly tenant: string;
  readonly principal: string;
  readonly role: string;
  /** The resource whose statements write it. */
  readonly via: string;
}

/** A principal the serving API runs a tenant's requests as. */
export interface ServedPrincipal {
  /** The tenant whose requests (client admins' and end users') it serves. */
  readonly tenant: string;
  /** Its application id (what session_user() returns for it, and what tenant_principals names). */
  readonly principal: string;
  /** The ConfigMap that tells the API so. */
  readonly via: string;
}

type Param = { name: string; value: unknown };
const unquote = (s: string) => s.replace(/`/g, "");

/** A tuple value: a bound parameter (`:name`) or a string literal; null for anything else (current_timestamp()). */
function value(token: string, params: readonly Param[]): string | null {
  const t = token.trim();
  const p = /^:([A-Za-z_][A-Za-z0-9_]*)$/.exec(t);
  if (p) {
    const v = params.find((x) => x.name === p[1])?.value;
    return typeof v === "string" ? v : null;
  }
  const lit = /^'((?:[^']|'')*)'$/.exec(t);
  return lit ? lit[1].replace(/''/g, "'") : null;
}

/**
 * Rows of `INSERT INTO <tenant_principals> (cols) VALUES (...), ...` statements in the plan's governance SQL
 * resources (a SqlObject or the serving's SqlRows: `create` is a list of `{ sql, parameters }`).
 */
export function tenantMappings(resources: readonly AccessResource[]): TenantMapping[] {
  const ids = identitiesOf(resources);
  if (!ids) return [];
  const table = governanceNames(ids.catalog).tenantPrincipals;
  const out: TenantMapping[] = [];
  for (const r of resources) {
    if (r.type !== R.SqlObject || !Array.isArray(r.inputs.create)) continue;
    for (const s of r.inputs.create as { sql?: unknown; parameters?: Param[] }[]) {
      if (typeof s?.sql !== "string") continue;
      const m = /^\s*INSERT\s+INTO\s+(\S+)\s*\(([^)]*)\)\s*VALUES\s*([\s\S]*)$/i.exec(s.sql);
      if (!m || unquote(m[1]) !== table) continue;
      const cols = m[2].split(",").map((c) => unquote(c.trim()).toLowerCase());
      const at = { tenant: cols.indexOf("tenant_id"), principal: cols.indexOf("principal"), role: cols.indexOf("role") };
      if (at.tenant < 0 || at.principal < 0) continue;
      // Tuples hold parameters, literals and current_timestamp(): split on top-level parentheses.
      for (const t of m[3].matchAll(/\(((?:[^()']|'(?:[^']|'')*'|\([^()]*\))*)\)/g)) {
        const parts = t[1].match(/'(?:[^']|'')*'|[^,]+/g)?.map((x) => x.trim()) ?? [];
        const tenant = value(parts[at.tenant] ?? "", s.parameters ?? []);
        const principal = value(parts[at.principal] ?? "", s.parameters ?? []);
        // The table's role column is NOT NULL with no default; a row without one cannot exist.
        const role = at.role < 0 ? null : value(parts[at.role] ?? "", s.parameters ?? []);
        if (tenant !== null && principal !== null && role !== null) out.push({ tenant, principal, role, via: r.name });
      }
    }
  }
  return out;
}

/** The principals the serving API runs each tenant's requests as, from its runtime configuration in the plan. */
export function servedPrincipals(resources: readonly AccessResource[]): ServedPrincipal[] {
  const out: ServedPrincipal[] = [];
  for (const r of resources) {
    const text = r.type === R.ConfigMap ? r.inputs.data?.["serving.json"] : undefined;
    if (typeof text !== "string") continue;
    let config: { databricks?: { tenants?: Record<string, { applicationId?: unknown }> } };
    try {
      config = JSON.parse(text);
    } catch {
      continue;
    }
    for (const [tenant, t] of Object.entries(config.databricks?.tenants ?? {})) {
      if (typeof t?.applicationId === "string" && t.applicationId) out.push({ tenant, principal: t.applicationId, via: r.name });
    }
  }
  return out.sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0));
}
