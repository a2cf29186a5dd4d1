import { commentLiteral, joinSql, loadTemplate, principalLiteral, qualifiedName, renderTemplate, trusted, type SqlText } from "../sql";
import type { PipelineContract } from "./contract";
import { stableJson } from "./json";
import { ERASURE_RESTRICTIONS_TABLE, GDPR_CONTROL_TABLE, GDPR_INBOX_TABLE, governanceNames, GOVERNANCE_TABLES, pipelinesGroup, PSEUDONYM_KEY_TABLE, SALT_FINGERPRINT_TABLE } from "./naming";
import { maskSpecs, type MaskSpec } from "./masks";
import type { Settings } from "./settings";
import { sha256 } from "./contract";
import { compileTableMigration, type TableMigrationSpec } from "./governance-migrations";

/** One SQL statement; values are bound as named parameters, never formatted into the text. */
export interface SqlStatement {
  readonly sql: string;
  readonly parameters?: readonly { readonly name: string; readonly value: string | null; readonly type: "STRING" }[];
}

/** A governance object created, updated (when its text changes) and deleted by the SQL dynamic provider. */
export interface GovernanceObjectSpec {
  readonly resourceName: string;
  readonly kind: "function" | "table" | "rows";
  /** catalog.schema.name */
  readonly name: string;
  readonly create: readonly SqlStatement[];
  /** Empty for tables: deleting the resource never drops data. */
  readonly drop: readonly SqlStatement[];
  /** Tables only: how a table created by an older template is brought to this one. */
  readonly migration?: TableMigrationSpec;
}

function anyMember(groups: readonly string[]): SqlText {
  return joinSql(
    [...new Set(groups)].sort().map((g) => trusted(`is_account_group_member(${principalLiteral(g)})`)),
    " OR ",
  );
}

/**
 * Functions and tables of the governance schema, rendered from the templates in sql/: one mask function per mask
 * (maskSpecs of the mesh: each category's text mask and each (category, numeric type) the mesh uses).
 */
export function compileGovernanceObjects(s: Settings, masks: readonly MaskSpec[] = maskSpecs()): GovernanceObjectSpec[] {
  const g = governanceNames(s.catalog);
  const internal = [s.personas.platform_admin, s.personas.data_scientist, s.personas.internal_analyst, s.personas.gdpr_officer, pipelinesGroup(s)];
  const revealing = [s.personas.gdpr_officer, pipelinesGroup(s)];
  // Who sees rows restricted under a legal hold: not the pipelines (restricted rows are not processed further).
  const holding = [s.personas.gdpr_officer, s.personas.legal_hold];
  const tenantRule = trusted(renderTemplate(loadTemplate("functions/tenant_rule.sql"), { internal_members: anyMember(internal), tenant_principals: qualifiedName(g.tenantPrincipals) }));
  const fn = (name: string, template: string, values: Record<string, SqlText>): GovernanceObjectSpec => ({
    resourceName: `governance-${name.split(".").pop()}`,
    kind: "function",
    name,
    create: [{ sql: renderTemplate(loadTemplate(template), { function: qualifiedName(name), ...values }) }],
    drop: [{ sql: `DROP FUNCTION IF EXISTS ${qualifiedName(name)}` }],
  });
  const table = (name: string, short: (typeof GOVERNANCE_TABLES)[number] | typeof PSEUDONYM_KEY_TABLE | typeof GDPR_INBOX_TABLE | typeof SALT_FINGERPRINT_TABLE | typeof ERASURE_RESTRICTIONS_TABLE, after: readonly SqlStatement[] = []): GovernanceObjectSpec => {
    const sql = renderTemplate(loadTemplate(`tables/${short}.sql`), { table: qualifiedName(name) });
    return { resourceName: `governance-${short}`, kind: "table", name, create: [{ sql }, ...after], drop: [], migration: compileTableMigration(name, short, sql) };
  };
  // The identifier mask is an HMAC under this key; the key is generated in the warehouse, once (sql/keys/).
  const pseudonymKey = table(g.pseudonymKey, PSEUDONYM_KEY_TABLE, [{ sql: renderTemplate(loadTemplate("keys/pseudonym_key.sql"), { table: qualifiedName(g.pseudonymKey) }) }]);
  // The serving API's tenant principals may file requests (and, on the stricter reading of the docs, need SELECT to
  // INSERT): the tenant filter shows each only its own tenant's rows; the GDPR job principal (in the gdpr_officer
  // group) sees all. A separate statement, so the local plane (no row filters in open-source Spark) creates the
  // table without it (https://docs.databricks.com/aws/en/tables/row-and-column-filters).
  const inbox = table(g.gdprRequestInbox, GDPR_INBOX_TABLE, [{ sql: `ALTER TABLE ${qualifiedName(g.gdprRequestInbox)} SET ROW FILTER ${qualifiedName(g.tenantFilter)} ON (tenant_id)` }]);
  return [
    ...GOVERNANCE_TABLES.map((t) => table(`${g.schema}.${t}`, t)),
    pseudonymKey,
    // Its row is written from the salt (a secret Output) by the platform component: compileSaltFingerprintRow.
    table(g.saltFingerprint, SALT_FINGERPRINT_TABLE),
    // Before the held filter, which reads it.
    table(g.erasureRestrictions, ERASURE_RESTRICTIONS_TABLE),
    fn(g.tenantFilter, "functions/tenant_filter.sql", { tenant_rule: tenantRule }),
    fn(g.tenantFilterHeld, "functions/tenant_filter_held.sql", { tenant_rule: trusted(tenantRule.replace(/\n/g, "\n    ")), restricted_members: anyMember(holding), erasure_restrictions: qualifiedName(g.erasureRestrictions) }),
    ...masks.map((m) =>
      fn(g.mask(m.key), "functions/mask.sql", {
        value_type: trusted(m.type),
        comment: commentLiteral(m.key === m.category ? `lakemesh: mask for ${m.category}; others see ${m.shows}` : `lakemesh: mask for ${m.category} ${m.type}; others see ${m.shows}`),
        revealing_members: anyMember(revealing),
        tenant_principals: qualifiedName(g.tenantPrincipals),
        masked: trusted(m.expression.includes("{{pseudonym_key}}") ? renderTemplate(m.expression, { pseudonym_key: qualifiedName(g.pseudonymKey) }) : m.expression),
      }),
    ),
    // After the tenant filter: its row filter statement needs the function (components create in this order).
    inbox,
    compileGdprControl(s),
  ];
}

/** The control rows of the GDPR pre-flight: three tenants mapped to no principal, two subjects each, and a clear
 * email the jobs can recognise (notebooks/gdpr/lakemesh_gdpr.py CONTROL_EMAIL_SQL: subject_id@tenant_id.control.invalid). */
export const GDPR_CONTROL_ROWS: readonly { readonly tenantId: string; readonly subjectId: string; readonly email: string }[] = ["control-a", "control-b", "control-c"].flatMap((tenantId) =>
  ["control-subject-1", "control-subject-2"].map((subjectId) => ({ tenantId, subjectId, email: `${subjectId}@${tenantId}.control.invalid` })),
);

/**
 * The GDPR jobs' pre-flight control table and its rows: the tenant row filter and the email mask apply to it as to
 * every registered table, and its expected row count is a table property, which no row filter hides. A "rows" object:
 * created after the functions it declares, and re-created with its rows whenever its text changes. Values are bound.
 */
export function compileGdprControl(s: Settings): GovernanceObjectSpec {
  const g = governanceNames(s.catalog);
  const table = qualifiedName(g.gdprControl);
  const create = renderTemplate(loadTemplate(`tables/${GDPR_CONTROL_TABLE}.sql`), {
    table,
    mask: qualifiedName(g.mask("email")),
    tenant_filter: qualifiedName(g.tenantFilter),
    rows: commentLiteral(String(GDPR_CONTROL_ROWS.length)),
  });
  const parameters = GDPR_CONTROL_ROWS.flatMap((r, i) => [
    { name: `tenant_id_${i}`, value: r.tenantId, type: "STRING" as const },
    { name: `subject_id_${i}`, value: r.subjectId, type: "STRING" as const },
    { name: `email_${i}`, value: r.email, type: "STRING" as const },
  ]);
  const insert = `INSERT INTO ${table} (tenant_id, subject_id, email) VALUES\n${GDPR_CONTROL_ROWS.map((_, i) => `(:tenant_id_${i}, :subject_id_${i}, :email_${i})`).join(",\n")}`;
  return { resourceName: `governance-${GDPR_CONTROL_TABLE}`, kind: "rows", name: g.gdprControl, create: [{ sql: create }, { sql: insert, parameters }], drop: [] };
}

/** One row of the GDPR registry: a dataset with personal data and how to find and erase it. */
export interface RegistryRow {
  readonly dataset: string;
  readonly domain: string;
  readonly layer: string;
  readonly kind: string;
  readonly tenantKey: string | null;
  readonly subjectKey: string | null;
  readonly personalColumns: readonly { readonly name: string; readonly category: string; readonly erasure: "delete" | "anonymize" }[];
  readonly retentionPeriod: string | null;
  readonly retentionColumn: string | null;
  /** The dataset's legal hold: an erasure restricts the subject's rows within its period instead of erasing them. */
  readonly legalHold: { readonly obligation: string; readonly period: string } | null;
}

/**
 * The registry rows of every dataset (every layer) that holds personal data or declares a retention period, from
 * the compiled contracts: the erasure and access jobs use the first, the retention job both.
 */
export function compileRegistry(contracts: readonly PipelineContract[]): RegistryRow[] {
  return contracts
    .flatMap((c) =>
      c.datasets
        .filter((d) => d.columns.some((col) => col.personalData) || d.retention !== null)
        .map((d) => ({
          dataset: d.table,
          domain: c.domain,
          layer: d.layer,
          kind: d.kind,
          tenantKey: d.tenantKey,
          subjectKey: d.subjectKey,
          personalColumns: d.columns.filter((col) => col.personalData).map((col) => ({ name: col.name, category: col.personalData!.category, erasure: col.personalData!.erasure })),
          retentionPeriod: d.retention?.period ?? null,
          retentionColumn: d.retention?.column ?? null,
          legalHold: d.legalHold,
        })),
    )
    .sort((a, b) => (a.dataset < b.dataset ? -1 : 1));
}

/**
 * Replaces the registry table's rows in one atomic INSERT OVERWRITE. Every value is a bound parameter.
 */
export function compileRegistryRows(s: Settings, rows: readonly RegistryRow[]): GovernanceObjectSpec {
  const g = governanceNames(s.catalog);
  const digest = sha256(stableJson(rows));
  const params: { name: string; value: string | null; type: "STRING" }[] = [];
  const tuples = rows.map((r, i) => {
    const values: [string, string | null][] = [
      ["dataset", r.dataset],
      ["domain", r.domain],
      ["layer", r.layer],
      ["kind", r.kind],
      ["tenant_key", r.tenantKey],
      ["subject_key", r.subjectKey],
      ["personal_columns", JSON.stringify(r.personalColumns)],
      ["retention_period", r.retentionPeriod],
      ["retention_column", r.retentionColumn],
      ["registry_sha256", digest],
      ["legal_hold_obligation", r.legalHold?.obligation ?? null],
      ["legal_hold_period", r.legalHold?.period ?? null],
    ];
    for (const [k, v] of values) params.push({ name: `${k}_${i}`, value: v, type: "STRING" });
    return `(${values.map(([k]) => `:${k}_${i}`).join(", ")})`;
  });
  const sql = rows.length === 0 ? `DELETE FROM ${qualifiedName(g.gdprRegistry)}` : `INSERT OVERWRITE ${qualifiedName(g.gdprRegistry)} VALUES\n${tuples.join(",\n")}`;
  return { resourceName: "governance-gdpr_registry-rows", kind: "rows", name: `${g.gdprRegistry}#rows`, create: [{ sql, parameters: params }], drop: [] };
}
