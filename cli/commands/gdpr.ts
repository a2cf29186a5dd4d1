import { randomUUID } from "crypto";
import * as path from "path";
import { executeStatement } from "../../components/governance/statementClient";
import { GDPR_REQUEST_ID, GDPR_REQUEST_TYPES, GDPR_SUBJECT_ID, GDPR_SUBJECT_ID_ALLOWED, GDPR_TENANT_ID, gdprInboxInsert, gdprJobName } from "../../lib/compile";
import { printable } from "../../lib/text";
import { runJobByName } from "../gdpr/jobs-api";
import { runLocalGdprJob } from "../gdpr/local";
import { readStackConfig } from "../plan/stack-config";
import { Command, EXIT, Io, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh gdpr request --type access|erasure --tenant <tenant id> --subject <subject id>
                            [--stack <stack>] [--target local|databricks] [--request-id <uuid>]
                            [--warehouse-id <id>] [--export-root <dir>]

Validates a GDPR request, records it in the request inbox (governance.gdpr_request_inbox, every value a
bound parameter) and starts its job with the request id as the only run parameter: the job reads tenant
and subject from the inbox and deletes the row when the request ends, so no subject id is ever in a
job's run parameters or run history. Prints the request id and the result as JSON.

  --target local       (default) records the request in the local plane's inbox and runs the job
                       (notebooks/gdpr) there (npm run local:up); prints what it found, exported or
                       erased per dataset
  --target databricks  records the request through the SQL Statement Execution API on the platform's
                       SQL warehouse, then starts the stack's job (<prefix>-<env>-gdpr-subject-access or
                       -erasure) with run-now; needs DATABRICKS_TOKEN and the warehouse id
                       (--warehouse-id or DATABRICKS_WAREHOUSE_ID: the platform stack's output
                       warehouseId); prints the job and run ids

Options:
  --type               access (every row of the subject, exported as JSON) or erasure
  --tenant, --subject  letters, digits and - _ (tenant); 1 to 256 visible ASCII characters, e.g. an
                       e-mail address such as o'brien@example.com (subject)
  --stack              stack whose catalog and workspace the request is for (default dev)
  --request-id         a UUID (default: a new one)
  --warehouse-id       --target databricks: the SQL warehouse the request is recorded through
  --export-root        local only: where an access request writes its export, and where an erasure
                       deletes the subject's exports (default .local/gdpr-exports); part of the local
                       plane's settings file, not a job parameter
`;

/** The validated request, or a UsageError saying which field is wrong and what is allowed. */
export function parseRequest(v: { type?: string; tenant?: string; subject?: string; "request-id"?: string }): {
  type: keyof typeof GDPR_REQUEST_TYPES;
  tenant: string;
  subject: string;
  requestId: string;
} {
  const shown = (x: string | undefined) => printable(JSON.stringify(x ?? "").slice(0, 300));
  // An own property only: `--type toString` must not find Object.prototype.toString.
  if (!v.type || !Object.hasOwn(GDPR_REQUEST_TYPES, v.type)) throw new UsageError(`--type ${shown(v.type)} is not a request type; one of: ${Object.keys(GDPR_REQUEST_TYPES).join(", ")}`);
  if (!v.tenant || !GDPR_TENANT_ID.test(v.tenant)) throw new UsageError(`--tenant ${shown(v.tenant)} is not a tenant id; letters, digits, - and _, at most 64 characters`);
  if (!v.subject || !GDPR_SUBJECT_ID.test(v.subject)) throw new UsageError(`--subject ${shown(v.subject)} is not a subject id; ${GDPR_SUBJECT_ID_ALLOWED}`);
  const requestId = v["request-id"] ?? randomUUID();
  if (!GDPR_REQUEST_ID.test(requestId)) throw new UsageError(`--request-id ${shown(requestId)} is not a lower-case UUID`);
  return { type: v.type as keyof typeof GDPR_REQUEST_TYPES, tenant: v.tenant, subject: v.subject, requestId };
}

export const gdprCommand: Command = {
  summary: "validate and run a GDPR subject access or erasure request",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(
      argv,
      io,
      USAGE,
      {
        type: { type: "string" },
        tenant: { type: "string" },
        subject: { type: "string" },
        stack: { type: "string", default: "dev" },
        target: { type: "string", default: "local" },
        "request-id": { type: "string" },
        "warehouse-id": { type: "string" },
        "export-root": { type: "string" },
      },
      true,
    );
    if (!parsed) return EXIT.ok;
    const v = parsed.values;
    if (parsed.positionals.length !== 1 || parsed.positionals[0] !== "request") throw new UsageError("the only subcommand is request: lakemesh gdpr request ...");
    const r = parseRequest(v);
    if (v.target !== "local" && v.target !== "databricks") throw new UsageError(`--target ${printable(JSON.stringify(v.target))}: local or databricks`);
    const settings = readStackConfig(io.cwd, v.stack!).settings;
    const job = GDPR_REQUEST_TYPES[r.type];

    if (v["export-root"] !== undefined && v.target !== "local") throw new UsageError("--export-root is for a local request only (on Databricks the exports are the GDPR volume)");

    if (v.target === "databricks") {
      const token = process.env.DATABRICKS_TOKEN;
      if (!token) throw new UsageError("--target databricks needs DATABRICKS_TOKEN in the environment");
      const warehouseId = v["warehouse-id"] ?? process.env.DATABRICKS_WAREHOUSE_ID;
      if (!warehouseId) throw new UsageError("--target databricks records the request through a SQL warehouse: pass --warehouse-id or set DATABRICKS_WAREHOUSE_ID (the platform stack's output warehouseId)");
      if (!/^[A-Za-z0-9-]{1,64}$/.test(warehouseId)) throw new UsageError(`--warehouse-id ${printable(JSON.stringify(warehouseId).slice(0, 80))} is not a warehouse id; letters, digits and -`);
      const name = gdprJobName(settings, job);
      // First the request, every value bound (never in the statement text); then the job, with the request id only.
      const insert = gdprInboxInsert(settings.catalog, { requestId: r.requestId, type: r.type, tenant: r.tenant, subject: r.subject });
      await executeStatement({ host: settings.databricks.host, token, warehouseId, timeoutMs: 120_000 }, insert.sql, insert.parameters);
      const run = await runJobByName({ host: settings.databricks.host, token }, name, { request_id: r.requestId });
      io.out(JSON.stringify({ request_id: r.requestId, type: r.type, target: "databricks", job: name, job_id: run.jobId, run_id: run.runId }, null, 2) + "\n");
      return EXIT.ok;
    }

    // The local plane files the request in its own inbox (the subject on stdin, never argv) and runs the job with the
    // request id only; --name=value: a value that starts with '-' is never read as an option.
    const args = ["--record", `--request-id=${r.requestId}`];
    // Both request types read the root: access writes the export there, erasure deletes the subject's exports there.
    args.push(`--export-root=${path.resolve(io.cwd, v["export-root"] ?? path.join(".local", "gdpr-exports"))}`);
    const res = await runLocalGdprJob(io.cwd, job.replace("-", "_"), args, JSON.stringify({ type: r.type, tenant: r.tenant, subject: r.subject }));
    if (res.status !== 0) {
      const refused = res.stderrTail.split("\n").find((l) => l.startsWith("refused: "));
      io.err(refused ? `lakemesh gdpr: request ${r.requestId} ${printable(refused)}\n` : `lakemesh gdpr: request ${r.requestId} failed (exit ${res.status}):\n${res.stderrTail}\n`);
      return refused ? EXIT.usage : EXIT.failed;
    }
    const last = res.stdout.trim().split("\n").pop() ?? "";
    let result: unknown;
    try {
      result = JSON.parse(last);
    } catch {
      io.err(`lakemesh gdpr: request ${r.requestId}: the job printed no result:\n${res.stdout.slice(-2000)}\n`);
      return EXIT.failed;
    }
    io.out(JSON.stringify(result, null, 2) + "\n");
    // An erasure is done only once a re-run after the domains' next pipeline updates finds nothing (issue 13 item 2).
    const waiting = (result as { status?: string; waiting_for?: { domains?: string[]; after?: string } }).waiting_for;
    if ((result as { status?: string }).status === "erasing" && waiting) {
      io.err(
        `lakemesh gdpr: request ${r.requestId} is erasing, not done: it waits for a pipeline run of ${printable((waiting.domains ?? []).join(", "))} started after ${printable(String(waiting.after))}. ` +
          `Run their pipelines (npm run local:demo -- <domain>), then: scripts/local/gdpr.sh erasure --request-id ${r.requestId}\n`,
      );
    }
    return EXIT.ok;
  },
};
