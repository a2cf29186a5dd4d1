import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import type { GovernanceObjectSpec, SqlStatement, TableMigrationSpec } from "../../lib/compile";
import { executeStatement, queryStatement, StatementClientOptions, StatementError } from "./statementClient";

/** Inputs (and state) of a governance SQL object. No credential is among them. */
export interface SqlObjectInputs {
  readonly objectName: string;
  readonly kind: GovernanceObjectSpec["kind"];
  readonly host: string;
  readonly warehouseId: string;
  readonly create: SqlStatement[];
  readonly drop: SqlStatement[];
  /** Tables: the migrations that bring a table made by an older template to this one. */
  readonly migration?: TableMigrationSpec;
  /** Hash of the create statements and migrations: a change runs them again. */
  readonly sha256: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Connection from inputs plus the token from the environment (DATABRICKS_TOKEN), read at call time.
 * LAKEMESH_SQL_POLL_MS and LAKEMESH_SQL_TIMEOUT_MS tune polling.
 */
export function clientOptions(inputs: Pick<SqlObjectInputs, "host" | "warehouseId">, env: Env = process.env): StatementClientOptions {
  const token = env.DATABRICKS_TOKEN;
  if (!token) throw new Error("DATABRICKS_TOKEN is not set: the governance SQL provider reads its token from the environment");
  const num = (v: string | undefined) => (v && /^[0-9]+$/.test(v) ? Number(v) : undefined);
  return { host: inputs.host, warehouseId: inputs.warehouseId, token, pollIntervalMs: num(env.LAKEMESH_SQL_POLL_MS), timeoutMs: num(env.LAKEMESH_SQL_TIMEOUT_MS) };
}

async function runAll(inputs: SqlObjectInputs, statements: readonly SqlStatement[], env?: Env): Promise<void> {
  const o = clientOptions(inputs, env);
  for (const s of statements) await executeStatement(o, s.sql, s.parameters ?? []);
}

// Kept in step with SCHEMA_VERSION_PROPERTY (lib/compile/governance-migrations.ts); a literal, because the provider
// is serialized into the stack and carries no imports.
const VERSION_PROPERTY = "lakemesh.schema_version";

/**
 * Brings a table created by an older template to the current one: reads its schema version (absent means 1), then
 * applies each later migration in order, adding only the columns it does not have yet and recording the version
 * after each step, so a run that stopped half-way resumes where it stopped. A table newer than this program is refused.
 */
export async function migrateTable(inputs: Pick<SqlObjectInputs, "host" | "warehouseId">, m: TableMigrationSpec, env?: Env): Promise<number[]> {
  const o = clientOptions(inputs, env);
  const props = await queryStatement(o, `SHOW TBLPROPERTIES ${m.table}`);
  const raw = props.find((r) => r[0] === VERSION_PROPERTY)?.[1];
  const current = raw === undefined || raw === null ? 1 : Number(raw);
  if (!Number.isInteger(current) || current < 1) throw new StatementError(`${m.table} has ${VERSION_PROPERTY} ${JSON.stringify(raw)}; expected a version number`);
  if (current > m.version) throw new StatementError(`${m.table} is at schema version ${current}, newer than this program knows (${m.version}); deploy the lakemesh version that created it`);
  const applied: number[] = [];
  for (const step of [...m.steps].sort((a, b) => a.version - b.version).filter((s) => s.version > current)) {
    // DESCRIBE TABLE lists the columns first, then partitioning and detail sections after a blank or # line.
    const described = await queryStatement(o, `DESCRIBE TABLE ${m.table}`);
    const end = described.findIndex((r) => !r[0] || r[0].startsWith("#"));
    const have = new Set((end < 0 ? described : described.slice(0, end)).map((r) => r[0]));
    const missing = step.columns.filter((c) => !have.has(c.name));
    if (missing.length > 0) await executeStatement(o, `ALTER TABLE ${m.table} ADD COLUMNS (${missing.map((c) => c.ddl).join(", ")})`);
    if (!Number.isInteger(step.version)) throw new StatementError(`migration version ${step.version} is not an integer`);
    await executeStatement(o, `ALTER TABLE ${m.table} SET TBLPROPERTIES ('${VERSION_PROPERTY}' = '${step.version}')`);
    applied.push(step.version);
  }
  return applied;
}

/** Creates (or replaces) the object, then migrates it if it is a table an older template created. */
async function apply(inputs: SqlObjectInputs): Promise<void> {
  await runAll(inputs, inputs.create);
  if (inputs.kind === "table" && inputs.migration) await migrateTable(inputs, inputs.migration);
}

export function statementsSha256(statements: readonly SqlStatement[], migration?: TableMigrationSpec): string {
  return createHash("sha256").update(JSON.stringify(migration === undefined ? statements : [statements, migration])).digest("hex");
}

/**
 * The provider behind SqlObject: create runs the create statements, a changed hash runs them again (they are
 * CREATE OR REPLACE / IF NOT EXISTS / INSERT OVERWRITE), and a table is then migrated to its template's version;
 * delete runs the drop statements of functions only (tables and rows are never dropped).
 * Kept free of captured state: Pulumi serializes it into the stack, so it reads its token only when called.
 */
export const sqlObjectProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: SqlObjectInputs) {
    await apply(inputs);
    return { id: inputs.objectName, outs: inputs };
  },
  async diff(_id: string, olds: SqlObjectInputs, news: SqlObjectInputs) {
    const replaces = olds.objectName !== news.objectName || olds.kind !== news.kind ? ["objectName"] : [];
    const changes = replaces.length > 0 || olds.sha256 !== news.sha256 || olds.warehouseId !== news.warehouseId || olds.host !== news.host;
    return { changes, replaces, deleteBeforeReplace: false };
  },
  async update(_id: string, _olds: SqlObjectInputs, news: SqlObjectInputs) {
    await apply(news);
    return { outs: news };
  },
  async delete(_id: string, props: SqlObjectInputs) {
    // Only functions are ever dropped: deleting a table or row-set resource leaves the data, whatever its inputs say.
    if (props.kind === "function" && props.drop.length > 0) await runAll(props, props.drop);
  },
};

/** Arguments for {@link SqlObject}. */
export interface SqlObjectArgs {
  readonly spec: GovernanceObjectSpec;
  /** Workspace URL. */
  readonly host: pulumi.Input<string>;
  /** SQL warehouse that runs the statements. */
  readonly warehouseId: pulumi.Input<string>;
  /**
   * Create statements computed from a secret (the salt fingerprint's row, lib/compile/salt-fingerprint.ts): they
   * replace spec.create and, derived from a secret Output, stay secret in the state and the plan.
   * @default spec.create
   */
  readonly secretCreate?: pulumi.Output<readonly SqlStatement[]>;
}

/** A governance function, table or row set, created through the Statement Execution API. */
export class SqlObject extends pulumi.dynamic.Resource {
  constructor(name: string, args: SqlObjectArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs = {
      objectName: args.spec.name,
      kind: args.spec.kind,
      host: args.host,
      warehouseId: args.warehouseId,
      create: args.secretCreate ? args.secretCreate.apply((c) => [...c]) : [...args.spec.create],
      drop: [...args.spec.drop],
      ...(args.spec.migration ? { migration: args.spec.migration } : {}),
      sha256: args.secretCreate ? args.secretCreate.apply((c) => statementsSha256(c, args.spec.migration)) : statementsSha256(args.spec.create, args.spec.migration),
    };
    super(sqlObjectProvider, name, inputs, opts);
  }
}
