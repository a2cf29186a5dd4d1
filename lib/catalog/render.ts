// The catalog as Markdown (domains/CATALOG.md) and as text for a terminal.
import type { CatalogDataset, CatalogDomain } from "./catalog";

const cell = (t: string) => t.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const readers = (ds: CatalogDataset) =>
  [...ds.domains.map((d) => (d.acceptedMajor !== null ? `${d.domain} (accepts v${d.acceptedMajor})` : d.domain)), ...ds.datasets].join(", ") || "-";

export function catalogMarkdown(domains: readonly CatalogDomain[]): string {
  const out = [
    "# Data product catalog",
    "",
    "<!-- Generated from domains/*.yaml by `npm run gen:docs` (lakemesh catalog). Do not edit; a test keeps it current. -->",
    "",
    "What every domain publishes. Only `active` datasets can be read by other domains: declare the read in your",
    "manifest's `spec.consumers` (see [README.md](README.md)). Personal columns are masked for readers without clearance.",
    "",
    "| Domain | Datasets | Owner |",
    "|---|---:|---|",
    ...domains.map((d) => `| [${d.domain}](#${d.domain}) | ${d.datasets.length} | ${d.owner.team} (${d.owner.contact}) |`),
  ];
  for (const d of domains) {
    out.push("", `## ${d.domain}`, "", `${cell(d.title)}. Manifest: [\`${d.domain}.yaml\`](${d.domain}.yaml).`, "");
    out.push("| Dataset | Layer | Contract | Lifecycle | Owner | Topic | Personal columns | Read by (domains, datasets) | Personas |", "|---|---|---|---|---|---|---|---|---|");
    for (const ds of d.datasets) {
      out.push(
        `| \`${ds.name}\` | ${ds.layer} | ${ds.version} | ${ds.lifecycle} | ${ds.owner.team} | ${ds.topic ? `\`${ds.topic}\`` : "-"} | ${ds.personalColumns.join(", ") || "-"} | ${cell(readers(ds))} | ${ds.personas.join(", ") || "-"} |`,
      );
    }
  }
  return out.join("\n") + "\n";
}

export function catalogText(domains: readonly CatalogDomain[]): string {
  const out: string[] = [];
  for (const d of domains) {
    out.push(`${d.domain}  owner ${d.owner.team} <${d.owner.contact}>`);
    for (const ds of d.datasets) {
      out.push(`  ${ds.name}  ${ds.version} ${ds.lifecycle}  ${ds.layer}  owner ${ds.owner.team}${ds.topic ? `  topic ${ds.topic}` : ""}`);
      out.push(`    read by: ${readers(ds)}; personas: ${ds.personas.join(", ") || "-"}${ds.personalColumns.length ? `; personal: ${ds.personalColumns.join(", ")}` : ""}`);
    }
  }
  return out.join("\n") + "\n";
}
