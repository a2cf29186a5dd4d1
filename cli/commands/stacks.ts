import * as fs from "fs";
import * as path from "path";
import { domainStackName, platformStackName } from "../../lib/compile";
import { readManifestFiles, validateMesh } from "../../lib/manifest";
import { Command, EXIT, Io, outputFormat, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh stacks --env <env> [--format text|json]

Lists the stacks of an environment and the domains each one holds:
  <env>                 single-stack layout: the platform and every domain
  <env>-platform        the platform (catalog, storage, governance, DataHub)
  <env>-<domain>        one domain, reading <env>-platform through a StackReference
and the config file each one uses. A domain stack without its own file is planned
from Pulumi.<env>.yaml in domain mode (lakemesh plan --stack <env> --domain <name>).
`;

export interface StackRow {
  readonly stack: string;
  readonly mode: "single" | "platform" | "domain";
  readonly domains: readonly string[];
  readonly config: string | null;
}

export const stacksCommand: Command = {
  summary: "list the stacks of an environment and the domains each holds",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(argv, io, USAGE, { env: { type: "string" }, format: { type: "string", default: "text" } });
    if (!parsed) return EXIT.ok;
    const env = parsed.values.env;
    if (!env || !/^[a-z][a-z0-9]{0,9}$/.test(env)) throw new UsageError("--env <env> is required (a short lower-case name such as dev or prod)");
    const format = outputFormat(parsed.values.format);
    const read = readManifestFiles([path.join(io.cwd, "domains")], io.cwd);
    const v = validateMesh(read.files);
    if (read.errors.length + v.errors.length > 0) {
      io.err(`lakemesh stacks: the manifests are invalid; run lakemesh validate\n`);
      return EXIT.failed;
    }
    const domains = v.manifests.map((m) => m.manifest.metadata.name).sort();
    const file = (stack: string) => (fs.existsSync(path.join(io.cwd, `Pulumi.${stack}.yaml`)) ? `Pulumi.${stack}.yaml` : null);
    const rows: StackRow[] = [
      { stack: env, mode: "single", domains, config: file(env) },
      { stack: platformStackName(env), mode: "platform", domains: [], config: file(platformStackName(env)) },
      ...domains.map((d) => ({ stack: domainStackName(env, d), mode: "domain" as const, domains: [d], config: file(domainStackName(env, d)) ?? (file(env) ? `${file(env)} (domain mode)` : null) })),
    ];
    if (format === "json") {
      io.out(JSON.stringify(rows, null, 2) + "\n");
      return EXIT.ok;
    }
    const w = Math.max(...rows.map((r) => r.stack.length));
    io.out(`${"STACK".padEnd(w)}  MODE      CONFIG                                   DOMAINS\n`);
    for (const r of rows) {
      io.out(`${r.stack.padEnd(w)}  ${r.mode.padEnd(8)}  ${(r.config ?? "(none)").padEnd(40)} ${r.mode === "single" ? `all ${r.domains.length}: ${r.domains.join(", ")}` : r.domains.join(", ") || "-"}\n`);
    }
    return EXIT.ok;
  },
};
