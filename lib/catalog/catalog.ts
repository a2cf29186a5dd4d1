// What every domain publishes, for consumers who should not have to read other teams' YAML: each dataset with
// its contract version, lifecycle, owner, the topic that feeds it, whether it holds personal data, and who reads it.
import { topicName } from "../compile/naming";
import { topicMajor } from "../compile/model";
import { meshReads, readersByDataset } from "../diff/consumers";
import { effectiveOwner, personalColumns, type DomainManifest } from "../manifest";

export interface CatalogDataset {
  readonly name: string;
  readonly description: string;
  readonly layer: "silver" | "gold";
  readonly version: string;
  readonly lifecycle: string;
  readonly owner: { readonly team: string; readonly contact: string };
  /** Physical Kafka topic that feeds it (silver), else null. */
  readonly topic: string | null;
  readonly personalColumns: readonly string[];
  /** Other domains that declare a read, with the major they accepted. */
  readonly domains: readonly { readonly domain: string; readonly acceptedMajor: number | null }[];
  /** Gold datasets of the same domain that read it. */
  readonly datasets: readonly string[];
  readonly personas: readonly string[];
}

export interface CatalogDomain {
  readonly domain: string;
  readonly title: string;
  readonly owner: { readonly team: string; readonly contact: string };
  readonly datasets: readonly CatalogDataset[];
}

export function catalogOf(manifests: readonly DomainManifest[]): CatalogDomain[] {
  const readers = readersByDataset(meshReads(manifests));
  return [...manifests]
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
    .map((m) => {
      const d = m.metadata.name;
      return {
        domain: d,
        title: m.metadata.title,
        owner: { ...m.metadata.owner },
        datasets: m.spec.datasets.map((ds) => {
          const r = readers.get(`${d}.${ds.name}`) ?? [];
          const topic = (m.spec.topics ?? []).find((t) => t.name === ds.source.topic);
          return {
            name: ds.name,
            description: ds.description,
            layer: ds.layer,
            version: ds.contract.version,
            lifecycle: ds.contract.lifecycle,
            owner: { ...effectiveOwner(m, ds) },
            topic: topic ? topicName(d, topic.name, topicMajor(m, topic)) : null,
            personalColumns: personalColumns(ds).map((c) => c.name),
            domains: r.filter((c) => c.kind === "domain").map((c) => ({ domain: c.id, acceptedMajor: c.acceptedMajor ?? null })),
            datasets: r.filter((c) => c.kind === "dataset").map((c) => c.id),
            personas: r.filter((c) => c.kind === "persona").map((c) => c.id),
          };
        }),
      };
    });
}
