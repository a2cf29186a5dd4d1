// Governance tables change by explicit, ordered migrations. The template in sql/tables/ is always the latest shape,
// and `CREATE TABLE IF NOT EXISTS` only ever creates it; a table created by an older template is brought forward by
// the migrations after its recorded schema version (table property lakemesh.schema_version; absent means 1).
// Compiling checks that each template equals its first release plus its migrations, so a template edited without a
// migration fails every plan instead of being skipped on existing tables.
import { commentLiteral, qualified, qualifiedName, type SqlText } from "../sql";
import type { GOVERNANCE_TABLES } from "./naming";

/** The platform's governance tables, and the serving API's GDPR intake table (created by the platform stack too). */
type GovernanceTable = (typeof GOVERNANCE_TABLES)[number] | "serving_gdpr_requests" | "pseudonym_key" | "gdpr_request_inbox" | "salt_fingerprint" | "erasure_restrictions";

/** Table property holding the schema version a table is at. */
export const SCHEMA_VERSION_PROPERTY = "lakemesh.schema_version";

export interface AddedColumn {
  readonly name: string;
  /** A Delta type, e.g. STRING or TIMESTAMP. Added columns are nullable: Delta cannot add NOT NULL to a table with rows. */
  readonly type: string;
  readonly comment: string;
}

export interface TableMigration {
  /** The schema version the migration brings the table to: 2, 3, ... in order. */
  readonly version: number;
  readonly description: string;
  readonly addColumns: readonly AddedColumn[];
}

export interface TableHistory {
  /** Columns of the first release (schema version 1), in order. */
  readonly baseline: readonly string[];
  readonly migrations: readonly TableMigration[];
}

/**
 * Every governance table's history. To change a table: edit sql/tables/<name>.sql (new columns at the end, nullable,
 * and bump its lakemesh.schema_version) and append a migration here that adds the same columns.
 */
export const GOVERNANCE_TABLE_HISTORY: Readonly<Record<GovernanceTable, TableHistory>> = {
  tenant_principals: { baseline: ["tenant_id", "principal", "role", "updated_at"], migrations: [] },
  gdpr_registry: {
    baseline: ["dataset", "domain", "layer", "kind", "tenant_key", "subject_key", "personal_columns", "retention_period", "retention_column", "registry_sha256"],
    migrations: [
      {
        version: 2,
        description: "legal holds (issue 14 item 4): the obligation and period an erasure restricts instead of erasing under",
        addColumns: [
          { name: "legal_hold_obligation", type: "STRING", comment: "Legal obligation that keeps the rows of an erased subject (restricted instead), or NULL." },
          { name: "legal_hold_period", type: "STRING", comment: "ISO 8601 period of that obligation, measured on retention_column, or NULL." },
        ],
      },
    ],
  },
  gdpr_requests: { baseline: ["request_id", "request_type", "tenant_id", "subject_hash", "status", "requested_at", "completed_at"], migrations: [] },
  erasure_suppression: { baseline: ["tenant_id", "subject_hash", "request_id", "suppressed_at"], migrations: [] },
  erasure_restrictions: { baseline: ["tenant_id", "subject_id", "subject_hash", "dataset", "request_id", "obligation", "hold_period", "restricted_at"], migrations: [] },
  audit_log: { baseline: ["event_time", "request_id", "action", "dataset", "rows_affected", "tenant_id", "subject_hash", "actor", "detail"], migrations: [] },
  pseudonym_key: { baseline: ["inner_pad", "outer_pad", "created_at"], migrations: [] },
  salt_fingerprint: { baseline: ["message", "fingerprint", "written_at"], migrations: [] },
  gdpr_request_inbox: { baseline: ["request_id", "request_type", "tenant_id", "subject_id", "requested_by", "requested_at"], migrations: [] },
  serving_gdpr_requests: {
    baseline: ["request_id", "request_type", "tenant_id", "subject_hash", "requester_hash", "status", "run_ref", "counts", "requested_at", "updated_at"],
    migrations: [],
  },
};

/** What the SQL provider needs to migrate one table: statements rendered here, from validated names only. */
export interface TableMigrationSpec {
  /** The quoted, qualified table name. */
  readonly table: SqlText;
  /** The schema version of the template (1 + number of migrations). */
  readonly version: number;
  readonly steps: readonly { readonly version: number; readonly columns: readonly { readonly name: string; readonly ddl: SqlText }[] }[];
}

export class GovernanceTemplateError extends Error {}

const TYPE = /^(STRING|BOOLEAN|INT|BIGINT|DOUBLE|DATE|TIMESTAMP)$/;

/** Columns of a CREATE TABLE template: name, type, and whether it is NOT NULL, in order. */
export function templateColumns(template: string): { name: string; type: string; notNull: boolean }[] {
  const open = template.indexOf("(");
  const close = template.indexOf("\n)");
  if (open < 0 || close < open) throw new GovernanceTemplateError("not a CREATE TABLE template with one column per line");
  return template
    .slice(open + 1, close)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^([a-z][a-z0-9_]*) ([A-Z]+)( NOT NULL)? COMMENT /.exec(l);
      if (!m) throw new GovernanceTemplateError(`cannot read the column line ${JSON.stringify(l)}`);
      return { name: m[1], type: m[2], notNull: m[3] !== undefined };
    });
}

/** The schema version a template declares in its TBLPROPERTIES. */
export function templateVersion(template: string): number | undefined {
  const m = new RegExp(`'${SCHEMA_VERSION_PROPERTY.replace(/\./g, "\\.")}' = '([0-9]+)'`).exec(template);
  return m ? Number(m[1]) : undefined;
}

/**
 * The migration plan of one governance table, after checking that its template is its first release plus its
 * migrations: same columns in the same order, added columns nullable and typed as declared, versions 2, 3, ... and
 * the template's declared version the last of them.
 */
export function compileTableMigration(qualifiedTable: string, short: GovernanceTable, template: string): TableMigrationSpec {
  const h = GOVERNANCE_TABLE_HISTORY[short];
  const where = `sql/tables/${short}.sql`;
  const cols = templateColumns(template);
  const expected = [...h.baseline, ...h.migrations.flatMap((m) => m.addColumns.map((c) => c.name))];
  if (cols.map((c) => c.name).join(",") !== expected.join(",")) {
    throw new GovernanceTemplateError(
      `${where}: columns ${cols.map((c) => c.name).join(", ")} are not the first release plus the migrations (${expected.join(", ")}); ` +
        "add new columns at the end and a migration in lib/compile/governance-migrations.ts that adds them, so existing tables get them too",
    );
  }
  h.migrations.forEach((m, i) => {
    if (m.version !== i + 2) throw new GovernanceTemplateError(`${where}: migration ${i + 1} brings version ${m.version}; migrations are numbered 2, 3, ... in order`);
    for (const c of m.addColumns) {
      const t = cols.find((x) => x.name === c.name)!;
      if (t.notNull) throw new GovernanceTemplateError(`${where}: added column ${c.name} is NOT NULL; Delta cannot add a NOT NULL column to a table that has rows`);
      if (t.type !== c.type || !TYPE.test(c.type)) throw new GovernanceTemplateError(`${where}: added column ${c.name} is ${t.type} in the template and ${c.type} in its migration`);
    }
  });
  const version = 1 + h.migrations.length;
  if (templateVersion(template) !== version) {
    throw new GovernanceTemplateError(`${where}: TBLPROPERTIES must set '${SCHEMA_VERSION_PROPERTY}' = '${version}' (the first release plus ${h.migrations.length} migration(s))`);
  }
  return {
    table: qualifiedName(qualifiedTable),
    version,
    steps: h.migrations.map((m) => ({
      version: m.version,
      columns: m.addColumns.map((c) => ({ name: c.name, ddl: `${qualified(c.name)} ${c.type} COMMENT ${commentLiteral(c.comment)}` as SqlText })),
    })),
  };
}
