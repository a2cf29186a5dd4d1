import * as fs from "fs";
import * as path from "path";
import { formatError, ManifestPathError, readManifestFiles, sortErrors, validateAgainst, validateMesh, type MeshValidation } from "../../lib/manifest";
import { printable, printableJson } from "../../lib/text";
import { Command, EXIT, Io, outputFormat, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh validate [paths...] [--alone] [--format text|json]

Validates domain manifests: YAML, the JSON Schema (lib/manifest/schema.json), then the
cross-domain checks. Paths are files or directories (their *.yaml and *.yml files);
the default is domains/. Files given by name are checked against the rest of domains/:
their cross-domain references resolve against the other domains (a file of domains/, or
one declaring the same domain, stands in for that domain's file), and only their own
errors are reported.

Options:
  --alone              check the given files only, without the rest of domains/
  --format text|json   output format (default text)
  -h, --help           show this help

Exit status: 0 valid, 1 invalid, 2 usage error.
`;

export const validateCommand: Command = {
  summary: "check domain manifests (schema and cross-domain rules)",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(argv, io, USAGE, { alone: { type: "boolean" }, format: { type: "string", default: "text" } }, true);
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
    // Named files (no directory among the paths) are checked in the context of the rest of domains/.
    const domainsDir = path.join(io.cwd, "domains");
    const named = parsed.positionals.length > 0 && !parsed.values.alone && parsed.positionals.every((p) => fs.statSync(path.resolve(io.cwd, p)).isFile()) && fs.existsSync(domainsDir);
    const context = named ? readManifestFiles([domainsDir], io.cwd) : undefined;
    const result: MeshValidation & { contextFiles?: number; contextErrors?: number } = context ? validateAgainst(read.files, context.files) : validateMesh(read.files);
    const errors = sortErrors([...read.errors, ...result.errors]);
    const fileCount = read.files.length + read.errors.length;
    if (format === "json") {
      const against = context ? { context: { files: result.contextFiles, errors: result.contextErrors } } : {};
      io.out(printableJson({ valid: errors.length === 0, files: fileCount, domains: result.manifests.map((m) => m.manifest.metadata.name), ...against, errors }, 2) + "\n");
    } else if (errors.length > 0) {
      for (const e of errors) io.out(formatError(e) + "\n");
      io.out(`${errors.length} error${errors.length === 1 ? "" : "s"} in ${new Set(errors.map((e) => e.file)).size} of ${fileCount} file${fileCount === 1 ? "" : "s"}\n`);
    } else {
      const datasets = result.manifests.reduce((n, m) => n + m.manifest.spec.datasets.length, 0);
      const topics = result.manifests.reduce((n, m) => n + (m.manifest.spec.topics ?? []).length, 0);
      const against = context ? ` against ${result.contextFiles} other manifest(s) of domains/` : "";
      io.out(`${result.manifests.length} manifests valid${against}: ${datasets} datasets, ${topics} topics\n`);
    }
    if (format === "text" && result.contextErrors) io.err(`note: ${result.contextErrors} error(s) in the rest of domains/, not reported here; lakemesh validate shows them\n`);
    return errors.length === 0 ? EXIT.ok : EXIT.failed;
  },
};
