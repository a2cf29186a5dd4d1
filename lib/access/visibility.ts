// What each persona sees of each dataset: whether it can read it at all (the USE CATALOG, USE SCHEMA and SELECT
// chain), which rows (the row filter on the table, or an ABAC row-filter policy, and which groups and tenant
// mappings that function lets through) and, per personal column, the clear or the masked value. Semantics of row
// filters and masks: https://docs.databricks.com/aws/en/data-governance/unity-catalog/filters-and-masks/
import type { PersonaName } from "../compile/settings";
import { functionSemantics, rowFilterFunction } from "./functions";
import type { Holdings } from "./holds";
import { TENANT_ROLES } from "./identities";
import { onObject } from "./needs-domain";
import { contractsByPath, filesByPath, governanceSql, identitiesOf, R, type AccessResource } from "./plan";
import { servedPrincipals, tenantMappings } from "./tenant-principals";
import type { ColumnView, RowScope, TenantPrincipalView, VisibilityRow } from "./types";

type Tags = Map<string, Map<string, Record<string, string>>>;

/** Column tags the domain jobs set (`ALTER ... <table> ALTER COLUMN <col> SET TAGS (...)`), per table and column. */
function columnTags(resources: readonly AccessResource[]): Tags {
  const out: Tags = new Map();
  for (const sql of filesByPath(resources).values()) {
    for (const m of sql.matchAll(/^ALTER (?:STREAMING TABLE|MATERIALIZED VIEW) (\S+) ALTER COLUMN (\S+) SET TAGS \((.*)\);$/gm)) {
      const table = m[1].replace(/`/g, "");
      const cols = out.get(table) ?? new Map<string, Record<string, string>>();
      const tags = cols.get(m[2].replace(/`/g, "")) ?? {};
      for (const kv of m[3].matchAll(/'((?:[^']|'')*)'\s*=\s*'((?:[^']|'')*)'/g)) tags[kv[1]] = kv[2];
      cols.set(m[2].replace(/`/g, ""), tags);
      out.set(table, cols);
    }
  }
  return out;
}

/** Whether a column's tags meet an ABAC condition: has_tag('k') / hasTag('k') / has_tag_value('k','v') / hasTagValue('k','v'). */
function meets(condition: string, tags: Record<string, string>): boolean {
  const m = /^\s*(has_?tag|has_?tag_?value)\(\s*'([^']*)'\s*(?:,\s*'([^']*)'\s*)?\)\s*$/i.exec(condition);
  if (!m) return false;
  return m[3] === undefined ? m[2] in tags : tags[m[2]] === m[3];
}

interface Policy {
  readonly name: string;
  readonly type: "filter" | "mask";
  readonly fn: string;
  readonly to: readonly string[];
  readonly except: readonly string[];
  readonly match: readonly { condition: string; alias: string }[];
  readonly onColumn: string | null;
  readonly catalog: string;
}

/** How a mask shows its column to a caller whose rows the same test would scope so. */
const COLUMN_VIEW: Readonly<Record<RowScope, ColumnView>> = {
  all: "clear",
  "own tenant": "clear (own tenant)",
  "every mapped tenant": "clear (every mapped tenant)",
  "own subject": "masked",
  none: "masked",
};

/** Who the tables are evaluated for. */
interface Viewer {
  readonly persona: string;
  readonly principal: string;
  /** A persona's role in tenant_principals (tenant-scoped personas), else null. */
  readonly role: string | null;
  readonly tenantPrincipal: TenantPrincipalView | null;
}

/**
 * Every persona, modelled as one of its principals mapped to one tenant with the persona's role; then every serving
 * tenant principal as a principal of its own: the API runs a tenant's requests as it, so what it reads is what the
 * API can return, whatever the API and BI personas' groups are modelled with.
 */
function viewers(resources: readonly AccessResource[], h: Holdings): Viewer[] {
  const ids = identitiesOf(resources)!;
  const personas = Object.entries(ids.personas) as [PersonaName, string][];
  const out: Viewer[] = personas.map(([persona, principal]) => ({ persona, principal, role: TENANT_ROLES[persona] ?? null, tenantPrincipal: null }));
  const rows = tenantMappings(resources);
  const served = servedPrincipals(resources);
  // A principal the plan maps but the API does not name still reads what its mapping lets it: evaluated too.
  const principals = [...served.map((s) => ({ principal: s.principal, serves: s.tenant as string | null })), ...rows.filter((m) => !served.some((s) => s.principal === m.principal)).map((m) => ({ principal: m.principal, serves: null }))];
  const seen = new Set<string>();
  for (const { principal, serves } of principals) {
    if (seen.has(principal)) continue;
    seen.add(principal);
    const who = h.identities(principal);
    const mappings = rows.filter((m) => who.has(m.principal)).map(({ tenant, role, via }) => ({ tenant, role, via }));
    out.push({
      persona: `tenant principal ${serves ?? mappings[0]?.tenant ?? principal}`,
      principal,
      role: null,
      tenantPrincipal: { serves, mappings, personas: personas.filter(([, p]) => p !== principal && who.has(p)).map(([n]) => n).sort() },
    });
  }
  return out;
}

function abacPolicies(resources: readonly AccessResource[]): Policy[] {
  return resources
    .filter((r) => r.type === R.PolicyInfo)
    .map((r) => ({
      name: String(r.inputs.name),
      type: r.inputs.policyType === "POLICY_TYPE_ROW_FILTER" ? ("filter" as const) : ("mask" as const),
      fn: String(r.inputs.rowFilter?.functionName ?? r.inputs.columnMask?.functionName ?? ""),
      to: r.inputs.toPrincipals ?? [],
      except: r.inputs.exceptPrincipals ?? [],
      match: r.inputs.matchColumns ?? [],
      onColumn: r.inputs.columnMask?.onColumn ?? null,
      catalog: String(r.inputs.onSecurableFullname),
    }));
}

/** Columns of a table an ABAC policy binds by alias, or undefined when some condition matches no column. */
function bind(p: Policy, cols: Map<string, Record<string, string>>): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (const m of p.match) {
    const c = [...cols].find(([, tags]) => meets(m.condition, tags));
    if (!c) return undefined;
    out.set(m.alias, c[0]);
  }
  return out;
}

export function visibility(resources: readonly AccessResource[], h: Holdings): VisibilityRow[] {
  const ids = identitiesOf(resources);
  if (!ids) return [];
  const tags = columnTags(resources);
  const policies = abacPolicies(resources);
  const datasets = [...contractsByPath(resources).values()].flatMap((c) => c.datasets);
  const governance = resources.filter((r) => r.type === R.SqlObject && r.inputs.kind === "table").map((r) => String(r.inputs.objectName));
  // A governance table may declare its row filter in its CREATE statement (the serving API's GDPR intake table does)
  // or set it in a statement of its own (ALTER TABLE ... SET ROW FILTER: the GDPR request inbox): read it from the SQL
  // the plan runs for that table, comments removed, never from the spec that generated it.
  const sqlOf = governanceSql(resources);
  const sqlText = (table: string) => (sqlOf.get(table) ?? "").replace(/--[^\n]*/g, "");
  const declaredFilter = (table: string) => rowFilterFunction(sqlText(table).match(/\b(?:WITH|SET)\s+ROW\s+FILTER\s+\S+\s+ON\b/i)?.[0] ?? null);
  // An append-only Delta table refuses UPDATE and DELETE, so MODIFY on it only adds rows
  // (https://docs.databricks.com/aws/en/delta/table-properties, delta.appendOnly).
  const appendOnly = (table: string) => /'delta\.appendOnly'\s*=\s*'true'/i.test(sqlText(table));
  const out: VisibilityRow[] = [];
  for (const viewer of viewers(resources, h)) {
    const { persona, principal, tenantPrincipal } = viewer;
    const who = h.identities(principal);
    const applies = (p: Policy) => p.to.some((x) => who.has(x)) && !p.except.some((x) => who.has(x));
    const view = (fn: string): { scope: RowScope; why: string } => {
      const sql = h.functionSql(fn);
      // Stricter reading: a function the plan neither creates nor lists as a prerequisite (another catalog's, a
      // hand-made one) is code nobody here reviewed; it is counted as letting everything through.
      if (!sql) return { scope: "all", why: `${fn} is not a function this plan creates or lists (counted as revealing everything)` };
      const s = functionSemantics(fn, sql);
      const short = fn.split(".").pop();
      const g = s.revealsTo.find((x) => who.has(x));
      if (g !== undefined) return { scope: "all", why: `${short} reveals to ${g}` };
      const tm = s.tenantMapped;
      if (!tm) return { scope: "none", why: `${short}` };
      const several = { scope: "every mapped tenant" as const, why: `${short} lets a principal mapped to several tenants see each of them` };
      if (!tenantPrincipal) {
        // A persona: one of its principals, mapped to one tenant with the persona's role.
        if (tm.role !== null && tm.role !== viewer.role) return { scope: "none", why: `${short}` };
        return tm.exclusive ? { scope: "own tenant", why: `${short}` } : several;
      }
      // A tenant principal: its own rows in tenant_principals (and its groups'), as the plan writes them. The
      // exclusivity test counts a mapping of any role (the functions' NOT EXISTS does not test the role).
      const tenants = new Set(tenantPrincipal.mappings.map((m) => m.tenant));
      const through = tenantPrincipal.mappings.filter((m) => tm.role === null || m.role === tm.role);
      const mapped = through.map((m) => `${m.tenant} as ${m.role} (${m.via})`).join(", ");
      if (through.length === 0) return { scope: "none", why: `${short}: ${tenants.size ? `mapped to ${[...tenants].join(", ")}, never as ${tm.role}` : "mapped to no tenant"}` };
      // Stricter reading for a function without the exclusivity test: rows added by hand could map it further.
      if (!tm.exclusive) return { ...several, why: `${several.why}; mapped to ${mapped}` };
      if (tenants.size > 1) return { scope: "none", why: `${short}: mapped to ${tenants.size} tenants (${[...tenants].join(", ")}), so it honours none` };
      return { scope: "own tenant", why: `${short}: mapped to ${mapped}` };
    };
    const tables = [...datasets.map((d) => ({ table: d.table, d })), ...governance.map((table) => ({ table, d: undefined }))];
    for (const { table, d } of tables) {
      // MODIFY (with the USE chain) changes rows whatever the filter: no row filter or mask applies to a write.
      const writes = onObject("table", table, "MODIFY").map((n) => h.check(principal, n));
      const modify = writes.some((x) => x === undefined) ? null : writes[2]!.join("; ");
      const chain = onObject("table", table, "SELECT").map((n) => h.check(principal, n));
      if (chain.some((x) => x === undefined)) {
        out.push({ persona, principal, tenantPrincipal, dataset: table, tenantData: !d || d.tenantKey !== null, rows: "none", columns: {}, how: "no SELECT chain", modify, appendOnly: !d && appendOnly(table) });
        continue;
      }
      const grant = chain[2]!.join("; ");
      const cols = tags.get(table) ?? new Map();
      const abac = policies.filter((p) => p.catalog === table.split(".")[0] && applies(p)).map((p) => ({ p, bound: bind(p, cols) })).filter((x) => x.bound);
      const filters = [d ? rowFilterFunction(d.rowFilter) : declaredFilter(table), ...abac.filter((x) => x.p.type === "filter").map((x) => x.p.fn)].filter((x): x is string => !!x);
      let rows: RowScope;
      let how: string;
      if (filters.length === 0) [rows, how] = ["all", `SELECT via ${grant}; no row filter`];
      else if (filters.length > 1) [rows, how] = ["none", `SELECT via ${grant}; ${filters.length} row filters apply (MULTIPLE_FILTERS: every query fails)`];
      else {
        const v = view(filters[0]);
        [rows, how] = [v.scope, `SELECT via ${grant}; ${v.why}`];
      }
      const columns: Record<string, ColumnView> = {};
      for (const c of d?.columns.filter((x) => x.personalData) ?? []) {
        const masks = [c.mask, ...abac.filter((x) => x.p.type === "mask" && x.bound!.get(x.p.onColumn!) === c.name).map((x) => x.p.fn)].filter((x): x is string => !!x);
        if (masks.length === 0) columns[c.name] = "clear";
        else {
          columns[c.name] = masks.length > 1 ? "masked" : COLUMN_VIEW[view(masks[0]).scope];
        }
      }
      out.push({ persona, principal, tenantPrincipal, dataset: table, tenantData: !d || d.tenantKey !== null, rows, columns: rows === "none" ? {} : columns, how, modify, appendOnly: !d && appendOnly(table) });
    }
  }
  return out;
}
