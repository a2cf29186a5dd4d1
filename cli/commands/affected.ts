import { execFileSync } from "child_process";
import * as path from "path";
import { affectedStacks } from "../../lib/compile";
import { readManifestFiles, validateMesh, type DomainManifest } from "../../lib/manifest";
import { pipelineCodeFiles } from "../../lib/project";
import { printable, printableJson } from "../../lib/text";
import { Command, EXIT, Io, outputFormat, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh affected --base <git ref> [--env <env>] [--format text|json]

Names the stacks of an environment that the change since <git ref> touches (the working
tree against the base): every stack whose compiled inputs differ (a changed manifest, and the
domains whose grants, ACLs or lineage depend on it), plus every stack built from a changed
shared file (code, SQL templates, stack config). CI can then plan only those.
The default environment is prod.
`;

function git(root: string, args: string[]): string {
  return execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 });
}

/** The base commit's manifests, or undefined when they do not validate (then every stack counts as touched). */
function baseManifests(root: string, base: string): DomainManifest[] | undefined {
  const names = git(root, ["ls-tree", "--name-only", `${base}:domains`]).split("\n").filter((n) => /\.ya?ml$/.test(n));
  const files = names.map((n) => ({ file: `domains/${n}`, text: git(root, ["show", `${base}:domains/${n}`]) }));
  const v = validateMesh(files);
  return v.errors.length === 0 ? v.manifests.map((m) => m.manifest) : undefined;
}

export const affectedCommand: Command = {
  summary: "name the stacks a change touches, for CI to plan",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(argv, io, USAGE, { base: { type: "string" }, env: { type: "string", default: "prod" }, format: { type: "string", default: "text" } });
    if (!parsed) return EXIT.ok;
    const base = parsed.values.base;
    if (!base) throw new UsageError("--base <git ref> is required");
    // A ref that starts with '-' would reach git as an option (git diff --output=<file> writes a file).
    if (base.startsWith("-")) throw new UsageError(`--base ${printable(JSON.stringify(base))}: a git ref does not start with '-'`);
    const format = outputFormat(parsed.values.format);
    const root = io.cwd;
    try {
      git(root, ["rev-parse", "--verify", "--quiet", `${base}^{commit}`]);
    } catch {
      throw new UsageError(`--base ${printable(base)}: not a commit of the repository in ${printable(root)}`);
    }
    const { readStackConfig, StackConfigError } = await import("../plan/stack-config");
    let settings;
    try {
      settings = readStackConfig(root, parsed.values.env!).settings;
    } catch (e) {
      if (e instanceof StackConfigError) {
        io.err(`lakemesh affected: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
    const read = readManifestFiles([path.join(root, "domains")], root);
    const v = validateMesh(read.files);
    if (read.errors.length + v.errors.length > 0) {
      io.err("lakemesh affected: the manifests are invalid; run lakemesh validate\n");
      return EXIT.failed;
    }
    const changed = [...new Set([...git(root, ["diff", "--name-only", base]).split("\n"), ...git(root, ["ls-files", "--others", "--exclude-standard"]).split("\n")])].filter(Boolean).sort();
    const code = pipelineCodeFiles(root);
    const stacks = affectedStacks(settings, baseManifests(root, base), v.manifests.map((m) => m.manifest), code, changed);
    if (format === "json") io.out(printableJson({ base, env: settings.env, changedFiles: changed, stacks }, 2) + "\n");
    else if (stacks.length === 0) io.out(`no stack of ${settings.env} is affected by the change since ${printable(base)}\n`);
    else for (const s of stacks) io.out(`${s.stack}\t${printable(s.reasons.join("; "))}\n`);
    return EXIT.ok;
  },
};
