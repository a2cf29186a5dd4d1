import * as fs from "fs";
import * as path from "path";
import { stableJson } from "../../lib/compile/json";
import { Command, EXIT, Io, parseCommandArgs } from "../usage";
import { writePlanFiles } from "./plan";
import { readStackArgs, STACK_OPTIONS } from "./stack-args";

const USAGE = `Usage: lakemesh preview --stack <name> [--domain <name>] [--platform-outputs <file>] [--out <dir>]
                        [--policy-config <file>]

Previews a stack with the real Pulumi engine: real providers check every input, and
the policy pack (policies/) runs in the engine's analyzer. Runs
  pulumi preview --policy-pack policies --json
against a local file backend under .local/pulumi (a passphrase secrets provider,
dummy credentials, an unreachable Kubernetes cluster: no account and no network),
with the stack's config generated from Pulumi.<name>.yaml (secrets are placeholders;
the stack file is never written). A domain stack reads a stand-in platform stack
holding only the platform's outputs.

The engine: \`pulumi\` from PATH when there is one; else the prebuilt engine in
$LAKEMESH_PULUMI_ENGINE, or in shared/tools/pulumi-engine next to this project, one
of its parent folders, or the folder it was cloned from, installed into
.local/pulumi/engine.

Writes <out>/<stack>/preview.md (resources by owner, type and operation, every
diagnostic, every policy result) and preview.json.

Options:
  --stack <name>   stack to preview (dev-platform, prod-core-business, ...)
  --domain <name>  preview the domain stack <stack>-<domain> (its own Pulumi.<stack>-<domain>.yaml,
                   else Pulumi.<stack>.yaml in domain mode)
  --platform-outputs <file>
                   for a domain stack: the platform outputs its stand-in holds, as
                   pulumi stack output --json prints them (default: what the platform exports)
  --out <dir>      output folder (default out/preview)
  --policy-config <file>
                   policy config, the shape of pulumi preview --policy-pack-config
  -h, --help       show this help

Exit status: 0 previewed cleanly; 1 an engine error, a provider refusing an input
(Check), a mandatory policy violation, or a rule that could not run; 2 usage error.
`;

export const previewCommand: Command = {
  summary: "preview a stack with the real Pulumi engine and the policy pack",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(argv, io, USAGE, {
      ...STACK_OPTIONS,
      out: { type: "string", default: "out/preview" },
      "policy-config": { type: "string" },
    });
    if (!parsed) return EXIT.ok;
    const args = await readStackArgs("preview", io, parsed.values);
    if (!args) return EXIT.failed;
    const { stack, platformOutputs } = args;
    const root = io.cwd;
    const policyConfig = parsed.values["policy-config"] && path.resolve(root, parsed.values["policy-config"]);
    if (policyConfig && !fs.existsSync(policyConfig)) {
      io.err(`lakemesh preview: --policy-config ${parsed.values["policy-config"]}: no such file\n`);
      return EXIT.failed;
    }
    const { EngineError, resolveEngine } = await import("../engine/engine");
    const { openWorkspace } = await import("../engine/workspace");
    const { previewStack } = await import("../engine/preview");
    const { previewMarkdown } = await import("../engine/summary");
    let run;
    try {
      const engine = resolveEngine(root, process.env, (line) => io.err(`lakemesh preview: ${line}\n`));
      const ws = openWorkspace(root, stack.project, engine);
      run = await previewStack(ws, stack, { platformOutputs, policyConfig });
    } catch (e) {
      if (e instanceof EngineError) {
        io.err(`lakemesh preview: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
    const s = run.summary;
    const files = new Map([
      ["preview.md", previewMarkdown(s)],
      ["preview.json", stableJson(s) + "\n"],
    ]);
    const target = writePlanFiles(path.resolve(root, parsed.values.out!), stack.stack, files);
    for (const f of s.failures) io.err(`lakemesh preview: ${f}\n`);
    const n = (kind: string) => s.findings.filter((f) => f.kind === kind).length;
    io.out(
      `previewed stack ${s.stack} with ${s.engine}: ${Object.entries(s.changes).map(([op, c]) => `${c} to ${op}`).join(", ") || "no changes"}; ${s.diagnostics.length} diagnostics, ${n("violation")} policy violations, ${n("checked-at-update")} checks left to the update, ${n("could-not-run")} rule runs that could not run; wrote ${path.relative(root, target) || target}\n`,
    );
    return s.failures.length > 0 ? EXIT.failed : EXIT.ok;
  },
};
