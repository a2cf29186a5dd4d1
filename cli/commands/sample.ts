import * as fs from "fs";
import * as path from "path";
import { readManifestFiles, validateMesh } from "../../lib/manifest";
import { personalValueFlags, sampleDomainEvents, sampleSummary, type PersonalValueFlag } from "../../lib/sample";
import { printable } from "../../lib/text";
import { Command, EXIT, Io, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh sample --domain <name>[,<name>...] [--seed N] [--tenants N] [--volume N]
                       [--malformed N] [--missing-tenant N] [--wrong-tenant N] [--out <dir>]

Writes deterministic sample events for the domain's topics, shaped by its manifest. With
--out, one <topic>.jsonl per topic and summary.json (counts per kind); else JSON lines on
stdout. Each line: {"topic", "key", "value" (the payload as JSON text), "kind", "tenant", "subject"}.
Fields whose values look personal (e-mail addresses, IBANs, IP addresses, phone numbers...)
while their column is not marked personal are named on stderr and in summary.json.

Options:
  --seed N            random seed (default 1)
  --tenants N         tenants the valid events are spread over (default 2)
  --volume N          valid events per topic (default 100)
  --malformed N       events silver drops: primary key missing, numbers as text (default 0)
  --missing-tenant N  events without a tenant: bronze drops them (default 0)
  --wrong-tenant N    events of a tenant outside the list (default 0)
`;

const int = (name: string, v: string | undefined, def: number): number => {
  if (v === undefined) return def;
  if (!/^[0-9]{1,7}$/.test(v)) throw new UsageError(`--${name} must be a whole number, not ${printable(JSON.stringify(v))}`);
  return Number(v);
};

export const sampleCommand: Command = {
  summary: "write deterministic sample events for a domain's topics",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(argv, io, USAGE, {
      domain: { type: "string" },
      seed: { type: "string" },
      tenants: { type: "string" },
      volume: { type: "string" },
      malformed: { type: "string" },
      "missing-tenant": { type: "string" },
      "wrong-tenant": { type: "string" },
      out: { type: "string" },
    });
    if (!parsed) return EXIT.ok;
    const v = parsed.values;
    if (!v.domain) throw new UsageError("--domain is required");
    const options = {
      seed: int("seed", v.seed, 1),
      tenants: int("tenants", v.tenants, 2),
      volume: int("volume", v.volume, 100),
      malformed: int("malformed", v.malformed, 0),
      missingTenant: int("missing-tenant", v["missing-tenant"], 0),
      wrongTenant: int("wrong-tenant", v["wrong-tenant"], 0),
    };
    if (options.tenants < 1) throw new UsageError("--tenants must be at least 1");
    const read = readManifestFiles([path.join(io.cwd, "domains")], io.cwd);
    const mesh = validateMesh(read.files);
    if (read.errors.length + mesh.errors.length > 0) {
      io.err("lakemesh sample: the manifests are invalid; run lakemesh validate\n");
      return EXIT.failed;
    }
    const names = v.domain.split(",");
    const flags: PersonalValueFlag[] = [];
    const events = names.flatMap((name) => {
      const m = mesh.manifests.find((x) => x.manifest.metadata.name === name);
      if (!m) throw new UsageError(`--domain ${printable(name)}: no such domain; one of: ${mesh.manifests.map((x) => x.manifest.metadata.name).join(", ")}`);
      const domainEvents = sampleDomainEvents(m.manifest, options);
      flags.push(...personalValueFlags(m.manifest, domainEvents));
      return domainEvents;
    });
    // Values that look personal in a column not marked personal: its examples, most likely. Said, not fatal.
    for (const f of flags) io.err(`lakemesh sample: ${f.topic} field ${f.column}: ${f.matched} of ${f.seen} values look like ${f.category}, but the column is not marked personal\n`);
    if (!v.out) {
      for (const e of events) io.out(JSON.stringify(e) + "\n");
      return EXIT.ok;
    }
    const dir = path.resolve(io.cwd, v.out);
    fs.mkdirSync(dir, { recursive: true });
    const byTopic = new Map<string, string[]>();
    for (const e of events) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), JSON.stringify(e)]);
    for (const [topic, lines] of byTopic) fs.writeFileSync(path.join(dir, `${topic}.jsonl`), lines.join("\n") + "\n");
    fs.writeFileSync(path.join(dir, "summary.json"), JSON.stringify({ options, topics: sampleSummary(events), personalValueFlags: flags }, null, 2) + "\n");
    io.out(`wrote ${events.length} events for ${byTopic.size} topics to ${printable(path.relative(io.cwd, dir) || dir)}\n`);
    return EXIT.ok;
  },
};
