import * as fs from "fs";
import * as path from "path";
import { catalogMarkdown, catalogOf, catalogText } from "../../lib/catalog";
import { validMesh } from "../inputs";
import { Command, EXIT, Io, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh catalog [--domain <name>] [--format text|json|markdown] [--out <file>]

Lists what every domain publishes: each dataset with its contract version, lifecycle,
owner, the Kafka topic that feeds it, its personal columns, and who reads it (other
domains with the major they accepted, gold datasets, personas). domains/CATALOG.md is
this list in Markdown (npm run gen:docs writes it; a test keeps it current).

Options:
  --domain <name>  only this domain
  --format text|json|markdown
                   output format (default text)
  --out <file>     write to this file instead of standard output
  -h, --help       show this help

Exit status: 0 listed, 1 the manifests are invalid, 2 usage error.
`;

const FORMATS = ["text", "json", "markdown"] as const;

export const catalogCommand: Command = {
  summary: "list every domain's published datasets, versions, owners and consumers",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(argv, io, USAGE, { domain: { type: "string" }, format: { type: "string", default: "text" }, out: { type: "string" } });
    if (!parsed) return EXIT.ok;
    const format = parsed.values.format as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, not ${JSON.stringify(parsed.values.format)}`);
    const manifests = validMesh(io.cwd);
    let domains = catalogOf(manifests);
    const only = parsed.values.domain;
    if (only) {
      domains = domains.filter((d) => d.domain === only);
      if (domains.length === 0) throw new UsageError(`--domain ${only}: no such domain; one of ${manifests.map((m) => m.metadata.name).sort().join(", ")}`);
    }
    const text = format === "json" ? JSON.stringify(domains, null, 2) + "\n" : format === "markdown" ? catalogMarkdown(domains) : catalogText(domains);
    if (parsed.values.out) fs.writeFileSync(path.resolve(io.cwd, parsed.values.out), text);
    else io.out(text);
    return EXIT.ok;
  },
};
