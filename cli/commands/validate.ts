import { formatError, ManifestPathError, readManifestFiles, sortErrors, validateMesh } from "../../lib/manifest";
import { printable, printableJson } from "../../lib/text";
import { Command, EXIT, Io, outputFormat, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh validate [paths...] [--format text|json]

Validates domain manifests: YAML, the JSON Schema (lib/manifest/schema.json), then the
cross-domain checks. Paths are files or directories (their *.yaml and *.yml files);
the default is domains/.

Options:
  --format text|json   output format (default text)
  -h, --help           show this help

Exit status: 0 valid, 1 invalid, 2 usage error.
`;

export const validateCommand: Command = {
  summary: "check domain manifests (schema and cross-domain rules)",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(argv, io, USAGE, { format: { type: "string", default: "text" } }, true);
    if (!parsed) return EXIT.ok;
    const format = outputFormat(parsed.values.format);
    const paths = parsed.positionals.length > 0 ? parsed.positionals : ["domains"];
    let read;
    try {
      read = readManifestFiles(paths, io.cwd);
    } catch (e) {
      if (e instanceof ManifestPathError) throw new UsageError(e.message);
      throw e;
    }
    if (read.files.length === 0 && read.errors.length === 0) throw new UsageError(`no *.yaml or *.yml manifests found in ${paths.map(printable).join(", ")}`);
    const result = validateMesh(read.files);
    const errors = sortErrors([...read.errors, ...result.errors]);
    const fileCount = read.files.length + read.errors.length;
    if (format === "json") {
      io.out(printableJson({ valid: errors.length === 0, files: fileCount, domains: result.manifests.map((m) => m.manifest.metadata.name), errors }, 2) + "\n");
    } else if (errors.length > 0) {
      for (const e of errors) io.out(formatError(e) + "\n");
      io.out(`${errors.length} error${errors.length === 1 ? "" : "s"} in ${new Set(errors.map((e) => e.file)).size} of ${fileCount} file${fileCount === 1 ? "" : "s"}\n`);
    } else {
      const datasets = result.manifests.reduce((n, m) => n + m.manifest.spec.datasets.length, 0);
      const topics = result.manifests.reduce((n, m) => n + (m.manifest.spec.topics ?? []).length, 0);
      io.out(`${result.manifests.length} manifests valid: ${datasets} datasets, ${topics} topics\n`);
    }
    return errors.length === 0 ? EXIT.ok : EXIT.failed;
  },
};
