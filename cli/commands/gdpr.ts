import { randomUUID } from "crypto";
import * as path from "path";
import { GDPR_REQUEST_ID, GDPR_REQUEST_TYPES, GDPR_SUBJECT_ID, GDPR_SUBJECT_ID_ALLOWED, GDPR_TENANT_ID, gdprJobName, governanceNames } from "../../lib/compile";
import { printable } from "../../lib/text";
import { runJobByName } from "../gdpr/jobs-api";
import { runLocalGdprJob } from "../gdpr/local";
import { readStackConfig } from "../plan/stack-config";
import { Command, EXIT, Io, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh gdpr request --type access|erasure --tenant <tenant id> --subject <subject id>
                            [--stack <stack>] [--target local|databricks] [--request-id <uuid>]
                            [--export-root <dir>]

Validates a GDPR request and runs it. Prints the request id and the result as JSON.

  --target local       (default) runs the job (notebooks/gdpr) against the local data plane
                       (npm run local:up) and prints what it found, exported or erased per dataset
  --target databricks  starts the stack's job (<prefix>-<env>-gdpr-subject-access or -erasure) in its
                       workspace with run-now; needs DATABRICKS_TOKEN; prints the job and run ids

Options:
  --type               access (every row of the subject, exported as JSON) or erasure
  --tenant, --subject  letters, digits and - _ (tenant); 1 to 256 visible ASCII characters, e.g. an
                       e-mail address such as o'brien@example.com (subject)
  --stack              stack whose catalog and workspace the request is for (default dev)
  --request-id         a UUID (default: a new one)
  --export-root        where a local access request writes its export (default .local/gdpr-exports)
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

    if (v.target === "databricks") {
      const token = process.env.DATABRICKS_TOKEN;
      if (!token) throw new UsageError("--target databricks needs DATABRICKS_TOKEN in the environment");
      const name = gdprJobName(settings, job);
      const run = await runJobByName({ host: settings.databricks.host, token }, name, { tenant_id: r.tenant, subject_id: r.subject, request_id: r.requestId });
      io.out(JSON.stringify({ request_id: r.requestId, type: r.type, target: "databricks", job: name, job_id: run.jobId, run_id: run.runId }, null, 2) + "\n");
      return EXIT.ok;
    }

    // --name=value: a value that starts with '-' (a valid subject id may) is never read as an option.
    const args = [`--tenant-id=${r.tenant}`, `--subject-id=${r.subject}`, `--request-id=${r.requestId}`];
    args.push(`--registry-table=${governanceNames(settings.catalog).gdprRegistry}`, "--catalog-override=spark_catalog");
    if (r.type === "access") args.push(`--export-root=${path.resolve(io.cwd, v["export-root"] ?? path.join(".local", "gdpr-exports"))}`);
    const res = await runLocalGdprJob(io.cwd, job.replace("-", "_"), args);
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
    return EXIT.ok;
  },
};
