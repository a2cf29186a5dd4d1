import * as path from "path";
import { formatError, readManifestFiles, validateMesh } from "../../lib/manifest";
import { Command, EXIT, Io, outputFormat, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh preflight --stack <name> [--domain <name>] [--format text|json]

Checks, against the stack's Databricks workspace, every prerequisite the stack lists:
what it relies on but does not create. That is the one-time account setup (the
workload service principals and account groups, the deploying identity's Service
Principal User and Group Manager roles, governed tags owned by another environment
and ASSIGN on them) and what the other stacks of its environment grant. The same list
is in plan.md (Access, Prerequisites); the access model counts them as held.
Read-only: it only calls GET endpoints.

Needs DATABRICKS_TOKEN in the environment: a token of the identity that runs
pulumi up. DATABRICKS_HOST overrides lakemesh:databricks.host.

Options:
  --stack <name>   stack to check (dev, prod, prod-platform, ...)
  --domain <name>  check the domain stack <stack>-<domain> (as lakemesh plan --domain)
  --format <fmt>   text (default) or json
  -h, --help       show this help

Exit status: 0 every prerequisite holds, 1 one does not (or the workspace refused a
check, or the stack does not read), 2 usage error.
`;

export const preflightCommand: Command = {
  summary: "check a stack's prerequisites against its Databricks workspace",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(argv, io, USAGE, { stack: { type: "string" }, domain: { type: "string" }, format: { type: "string", default: "text" } });
    if (!parsed) return EXIT.ok;
    const v = parsed.values;
    if (!v.stack) throw new UsageError("--stack is required");
    const format = outputFormat(v.format);
    const token = process.env.DATABRICKS_TOKEN;
    if (!token) throw new UsageError("needs DATABRICKS_TOKEN in the environment (a token of the identity that runs pulumi up)");
    const { readStackConfig, StackConfigError } = await import("../plan/stack-config");
    const { compileIdentities } = await import("../../lib/access");
    const { checkDomainPrincipals, checkExistingScramSecrets, meshOf, meshScramUsers, SettingsError } = await import("../../lib/compile");
    const read = readManifestFiles([path.join(io.cwd, "domains")], io.cwd);
    const validation = validateMesh(read.files);
    const errors = [...read.errors, ...validation.errors];
    if (errors.length > 0) {
      for (const e of errors) io.err(formatError(e) + "\n");
      io.err(`lakemesh preflight: ${errors.length} manifest error(s)\n`);
      return EXIT.failed;
    }
    let stack;
    const mesh = meshOf(validation.manifests);
    try {
      stack = readStackConfig(io.cwd, v.stack, v.domain);
      checkDomainPrincipals(stack.settings, [...mesh.byName.keys()], stack.file);
      checkExistingScramSecrets(stack.settings, meshScramUsers(stack.settings, mesh.domains), stack.file);
    } catch (e) {
      if (e instanceof StackConfigError || e instanceof SettingsError) {
        io.err(`lakemesh preflight: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
    const s = stack.settings;
    const { Workspace } = await import("../preflight/workspace");
    const { checkPrerequisites } = await import("../preflight/checks");
    const host = process.env.DATABRICKS_HOST || s.databricks.host;
    const results = await checkPrerequisites(new Workspace({ host, token }, s.databricks.accountId), s, compileIdentities(s, mesh).prerequisites);
    const failed = results.filter((r) => !r.ok);
    if (format === "json") io.out(JSON.stringify({ stack: stack.stack, host, results }, null, 2) + "\n");
    else {
      for (const r of results) (r.ok ? io.out : io.err)(`${r.ok ? "ok  " : "FAIL"} ${r.id}: ${r.what}${r.ok ? "" : `\n     ${r.detail} (provided by ${r.providedBy})`}\n`);
      io.out(`${results.length - failed.length} of ${results.length} prerequisites of stack ${stack.stack} hold in ${host}\n`);
    }
    return failed.length > 0 ? EXIT.failed : EXIT.ok;
  },
};
