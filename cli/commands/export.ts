import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { compileContract, domainMetadata, meshOf, meshPlatformNames, metadataFile, type Mcp } from "../../lib/compile";
import { odcsContracts, odcsSchemaErrors } from "../../lib/export";
import { envSettings, validMesh } from "../inputs";
import { Command, EXIT, Io, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh export odcs|datahub [--domain <name>] [--env <env>] --out <path>

Exports the contracts in the formats other tools read, with the names of the stack
settings of <env> (catalog, hosts, groups; default prod):

  odcs     one Open Data Contract Standard v3.1.0 document per dataset, written to
           <out>/<domain>/<dataset>.odcs.yaml: schema, quality (the expectations as SQL
           checks), SLA, roles (the groups granted SELECT), team, servers, and the GDPR
           fields as custom properties. Each is validated against the official ODCS JSON
           Schema (lib/export/odcs-schema) before anything is written.
  datahub  one DataHub metadata file (MCPs, JSON) at <out>: domains, a data product per
           dataset with its owner, glossary terms for the personal-data categories, and a
           data contract per dataset with schema, freshness and data-quality assertions.
           Check it with 'datahub check metadata-file <out>'; load it with a 'file' source.
           Each domain's ingestion CronJob loads its own part.

Options:
  --domain <name>  only this domain's datasets
  --env <env>      stack settings to name things with (default prod)
  --out <path>     folder (odcs) or file (datahub) to write
  -h, --help       show this help

Exit status: 0 written, 1 invalid manifests or an export that fails its schema, 2 usage error.
`;

export const exportCommand: Command = {
  summary: "export contracts as ODCS documents or DataHub metadata",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(argv, io, USAGE, { domain: { type: "string" }, env: { type: "string", default: "prod" }, out: { type: "string" } }, true);
    if (!parsed) return EXIT.ok;
    const [format, ...extra] = parsed.positionals;
    if (format !== "odcs" && format !== "datahub") throw new UsageError(`the format is odcs or datahub, not ${JSON.stringify(format ?? "")}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const out = parsed.values.out;
    if (!out) throw new UsageError("--out <path> is required");
    const root = io.cwd;
    const settings = await envSettings(root, parsed.values.env!);
    const manifests = validMesh(root);
    const only = parsed.values.domain;
    if (only && !manifests.some((m) => m.metadata.name === only)) throw new UsageError(`--domain ${only}: no such domain; one of ${manifests.map((m) => m.metadata.name).sort().join(", ")}`);
    const target = path.resolve(root, out);
    if (format === "odcs") {
      const docs = odcsContracts(settings, manifests, only);
      const invalid = [...docs].flatMap(([file, doc]) => odcsSchemaErrors(doc).map((e) => `${file}: ${e}`));
      if (invalid.length > 0) {
        for (const e of invalid) io.err(`${e}\n`);
        io.err(`lakemesh export: ${invalid.length} ODCS schema error(s); nothing was written\n`);
        return EXIT.failed;
      }
      for (const [file, doc] of docs) {
        fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
        fs.writeFileSync(path.join(target, file), stringify(doc, { lineWidth: 0 }));
      }
      io.out(`wrote ${docs.size} ODCS v3.1.0 documents to ${out}, each valid against the ODCS JSON Schema\n`);
      return EXIT.ok;
    }
    const names = meshPlatformNames(settings.catalog, meshOf(manifests));
    const seen = new Set<string>();
    const mcps: Mcp[] = [];
    for (const m of [...manifests].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
      if (only && m.metadata.name !== only) continue;
      for (const x of domainMetadata(m, compileContract(settings, names, m))) {
        // The glossary is in every domain's part; once is enough here.
        const key = `${x.entityUrn} ${x.aspectName}`;
        if (!seen.has(key)) mcps.push(x);
        seen.add(key);
      }
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, metadataFile(mcps, 2));
    io.out(`wrote ${mcps.length} DataHub MCPs to ${out}\n`);
    return EXIT.ok;
  },
};
