import * as path from "path";
import { meshOf, upstreamDomains } from "../../lib/compile";
import { readManifestFiles, validateMesh } from "../../lib/manifest";
import { Command, EXIT, Io, outputFormat, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh upstream --domain <name> [--format text|json]

Lists the domains a domain reads from, directly or through other domains, as the manifests'
consumers declare them (datasets or topics), producers first: the order their pipelines must
first run in before the domain's own (npm run local:demo uses it). The domain itself is not
listed. Exit 1 when the consumers form a cycle.
`;

export const upstreamCommand: Command = {
  summary: "list the domains a domain reads from, producers first",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(argv, io, USAGE, { domain: { type: "string" }, format: { type: "string", default: "text" } });
    if (!parsed) return EXIT.ok;
    const domain = parsed.values.domain;
    if (!domain) throw new UsageError("--domain <name> is required");
    const format = outputFormat(parsed.values.format);
    const read = readManifestFiles([path.join(io.cwd, "domains")], io.cwd);
    const v = validateMesh(read.files);
    if (read.errors.length + v.errors.length > 0) {
      io.err("lakemesh upstream: the manifests are invalid; run lakemesh validate\n");
      return EXIT.failed;
    }
    const mesh = meshOf(v.manifests);
    if (!mesh.byName.has(domain)) throw new UsageError(`--domain ${JSON.stringify(domain)} is not a domain; one of: ${[...mesh.byName.keys()].join(", ")}`);
    const order = upstreamDomains(mesh, domain);
    io.out(format === "json" ? JSON.stringify(order) + "\n" : order.map((d) => d + "\n").join(""));
    return EXIT.ok;
  },
};
