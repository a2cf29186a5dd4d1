import type { Dataset, DomainManifest, LoadedManifest, Topic } from "../manifest";
import { parseSemver, tenantKeyOf } from "../manifest";

/** The validated mesh a stack is compiled from: every manifest, by domain name, in name order. */
export interface Mesh {
  readonly domains: readonly DomainManifest[];
  readonly byName: ReadonlyMap<string, DomainManifest>;
}

export function meshOf(manifests: readonly (LoadedManifest | DomainManifest)[]): Mesh {
  const domains = manifests
    .map((m) => ("manifest" in m ? m.manifest : m))
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  return { domains, byName: new Map(domains.map((d) => [d.metadata.name, d])) };
}

export function contractMajor(ds: Dataset): number {
  const v = parseSemver(ds.contract.version);
  if (!v) throw new Error(`contract version ${JSON.stringify(ds.contract.version)} of ${ds.name} is not semver (validate first)`);
  return v.major;
}

/** The silver dataset a topic feeds, if any. */
export function datasetOfTopic(domain: DomainManifest, topic: Topic): Dataset | undefined {
  return domain.spec.datasets.find((d) => d.source.topic === topic.name);
}

/** Whether any topic of the domain feeds a tenant dataset: then its pipeline keeps a tenant quarantine. */
export function hasTenantTopics(domain: DomainManifest): boolean {
  return (domain.spec.topics ?? []).some((t) => {
    const ds = datasetOfTopic(domain, t);
    return ds !== undefined && tenantKeyOf(ds) !== undefined;
  });
}

/** Major version of a topic: that of the dataset it feeds, else 1. */
export function topicMajor(domain: DomainManifest, topic: Topic): number {
  const ds = datasetOfTopic(domain, topic);
  return ds ? contractMajor(ds) : 1;
}

type ConsumerDecl = NonNullable<DomainManifest["spec"]["consumers"]>[number];

// Every domain asks for its consumers; one pass over the mesh per mesh keeps that linear in the mesh size.
const consumerIndex = new WeakMap<Mesh, Map<string, { consumer: DomainManifest; decl: ConsumerDecl }[]>>();

/** Reads of `producer`'s data declared by other domains, in consumer order. */
export function consumersOf(mesh: Mesh, producer: string): { consumer: DomainManifest; datasets: string[]; topics: string[]; purpose: string }[] {
  let index = consumerIndex.get(mesh);
  if (!index) {
    index = new Map();
    for (const d of mesh.domains) {
      for (const decl of d.spec.consumers ?? []) {
        const list = index.get(decl.domain) ?? [];
        list.push({ consumer: d, decl });
        index.set(decl.domain, list);
      }
    }
    consumerIndex.set(mesh, index);
  }
  return (index.get(producer) ?? []).map(({ consumer, decl }) => ({ consumer, datasets: [...(decl.datasets ?? [])], topics: [...(decl.topics ?? [])], purpose: decl.purpose }));
}
