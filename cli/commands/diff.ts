import { diffMarkdown, diffMeshes, diffText } from "../../lib/diff";
import { formatError } from "../../lib/manifest";
import { consumerSources } from "../consumer-sources";
import { revisionAt, verifyCommit, workingTree } from "../git";
import { envSettings } from "../inputs";
import { Command, EXIT, Io, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh diff --base <git ref> [--head <git ref>] [--env <env>] [--format text|json|markdown]

Compares every manifest, and the pipeline contract compiled from it, with the base revision
(read from git; nothing is checked out). For each domain and dataset it prints what changed
and its class: breaking (column removed or renamed, type narrowed or changed, nullability
tightened or loosened, required column added to a topic-fed dataset, key changed, retention
shortened below a reader's need, dataset retired while read, unpublished or removed),
compatible, or cosmetic; the semver bump the change needs and whether the manifest made it;
and the consumers each breaking change reaches (other domains, gold datasets, personas, and
readers outside the manifests where the repository has them), with whether each has moved.

Options:
  --base <git ref>   the revision to compare with (e.g. origin/main)
  --head <git ref>   compare this revision instead of the working tree
  --env <env>        stack settings the contracts are compiled with (default prod)
  --format text|json|markdown
                     output format (default text; markdown is for pull-request comments)
  -h, --help         show this help

Exit status: 0 the change may merge, 1 a breaking change lacks its major bump, a consumer
has not moved, or the head manifests are invalid; 2 usage error.
`;

const FORMATS = ["text", "json", "markdown"] as const;

export const diffCommand: Command = {
  summary: "compare contracts with a base revision and gate breaking changes",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(argv, io, USAGE, { base: { type: "string" }, head: { type: "string" }, env: { type: "string", default: "prod" }, format: { type: "string", default: "text" } });
    if (!parsed) return EXIT.ok;
    const { base, head } = parsed.values;
    const format = parsed.values.format as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, not ${JSON.stringify(parsed.values.format)}`);
    if (!base) throw new UsageError("--base <git ref> is required");
    const root = io.cwd;
    verifyCommit(root, base);
    if (head) verifyCommit(root, head, "--head");
    const settings = await envSettings(root, parsed.values.env!);
    const before = revisionAt(root, base);
    const after = head ? revisionAt(root, head) : workingTree(root);
    if (before.validation.errors.length > 0) io.err(`lakemesh diff: the base ${base} has ${before.validation.errors.length} manifest error(s); only its schema-valid manifests are compared\n`);
    const invalid = after.validation.errors;
    for (const e of invalid) io.err(formatError(e) + "\n");
    const diff = diffMeshes(before.manifests, after.manifests, { baseLabel: base, headLabel: after.label, settings, sources: head ? [] : consumerSources(root) });
    if (format === "json") io.out(JSON.stringify({ ...diff, headErrors: invalid.length }, null, 2) + "\n");
    else io.out(format === "markdown" ? diffMarkdown(diff) : diffText(diff));
    if (invalid.length > 0) io.err(`lakemesh diff: the ${after.label} has ${invalid.length} manifest error(s); run lakemesh validate\n`);
    return diff.failures.length > 0 || invalid.length > 0 ? EXIT.failed : EXIT.ok;
  },
};
