import { affectedStacks } from "../../lib/compile";
import type { DomainManifest } from "../../lib/manifest";
import { pipelineCodeFiles } from "../../lib/project";
import { git, revisionAt, verifyCommit } from "../git";
import { envSettings, validMesh } from "../inputs";
import { printable, printableJson } from "../../lib/text";
import { Command, EXIT, Io, outputFormat, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh affected --base <git ref> [--env <env>] [--format text|json]

Names the stacks of an environment that the change since <git ref> touches (the working
tree against the base): every stack whose compiled inputs differ (a changed manifest, and the
domains whose grants, ACLs or lineage depend on it), plus every stack built from a changed
shared file (code, SQL templates, stack config). CI can then plan only those.
The default environment is prod.
`;

/** The base commit's manifests, or undefined when they do not validate (then every stack counts as touched). */
function baseManifests(root: string, base: string): DomainManifest[] | undefined {
  const r = revisionAt(root, base);
  return r.validation.errors.length === 0 ? [...r.manifests] : undefined;
}

export const affectedCommand: Command = {
  summary: "name the stacks a change touches, for CI to plan",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(argv, io, USAGE, { base: { type: "string" }, env: { type: "string", default: "prod" }, format: { type: "string", default: "text" } });
    if (!parsed) return EXIT.ok;
    const base = parsed.values.base;
    if (!base) throw new UsageError("--base <git ref> is required");
    const format = outputFormat(parsed.values.format);
    const root = io.cwd;
    verifyCommit(root, base);
    const settings = await envSettings(root, parsed.values.env!);
    const head = validMesh(root);
    const changed = [...new Set([...git(root, ["diff", "--name-only", base]).split("\n"), ...git(root, ["ls-files", "--others", "--exclude-standard"]).split("\n")])].filter(Boolean).sort();
    const code = pipelineCodeFiles(root);
    const stacks = affectedStacks(settings, baseManifests(root, base), head, code, changed);
    if (format === "json") io.out(printableJson({ base, env: settings.env, changedFiles: changed, stacks }, 2) + "\n");
    else if (stacks.length === 0) io.out(`no stack of ${settings.env} is affected by the change since ${printable(base)}\n`);
    else for (const s of stacks) io.out(`${s.stack}\t${printable(s.reasons.join("; "))}\n`);
    return EXIT.ok;
  },
};
