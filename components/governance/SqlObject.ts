import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import type { GovernanceObjectSpec, SqlStatement } from "../../lib/compile";
import { executeStatement, StatementClientOptions } from "./statementClient";

/** Inputs (and state) of a governance SQL object. No credential is among them. */
export interface SqlObjectInputs {
  readonly objectName: string;
  readonly kind: GovernanceObjectSpec["kind"];
  readonly host: string;
  readonly warehouseId: string;
  readonly create: SqlStatement[];
  readonly drop: SqlStatement[];
  /** Hash of the create statements: a change runs them again. */
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

export function statementsSha256(statements: readonly SqlStatement[]): string {
  return createHash("sha256").update(JSON.stringify(statements)).digest("hex");
}

/**
 * The provider behind SqlObject: create runs the create statements, a changed hash runs them again (they are
 * CREATE OR REPLACE / IF NOT EXISTS / INSERT OVERWRITE), delete runs the drop statements of functions only (tables and rows are never dropped).
 * Kept free of captured state: Pulumi serializes it into the stack, so it reads its token only when called.
 */
export const sqlObjectProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: SqlObjectInputs) {
    await runAll(inputs, inputs.create);
    return { id: inputs.objectName, outs: inputs };
  },
  async diff(_id: string, olds: SqlObjectInputs, news: SqlObjectInputs) {
    const replaces = olds.objectName !== news.objectName || olds.kind !== news.kind ? ["objectName"] : [];
    const changes = replaces.length > 0 || olds.sha256 !== news.sha256 || olds.warehouseId !== news.warehouseId || olds.host !== news.host;
    return { changes, replaces, deleteBeforeReplace: false };
  },
  async update(_id: string, _olds: SqlObjectInputs, news: SqlObjectInputs) {
    await runAll(news, news.create);
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
}

/** A governance function, table or row set, created through the Statement Execution API. */
export class SqlObject extends pulumi.dynamic.Resource {
  constructor(name: string, args: SqlObjectArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs = {
      objectName: args.spec.name,
      kind: args.spec.kind,
      host: args.host,
      warehouseId: args.warehouseId,
      create: [...args.spec.create],
      drop: [...args.spec.drop],
      sha256: statementsSha256(args.spec.create),
    };
    super(sqlObjectProvider, name, inputs, opts);
  }
}
