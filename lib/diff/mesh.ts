// Compares two revisions of the mesh: per domain and dataset, what changed and its class, the bump it needs and
// whether the manifest made it, who the breaking changes reach, and whether the change may merge.
import type { Settings } from "../compile";
import { parseSemver, type Dataset, type DomainManifest } from "../manifest";
import { compiledChanges } from "./compiled";
import { meshReads, readersByDataset, type ConsumerSource } from "./consumers";
import { addedDataset, datasetChanges, isPublished, removedDataset } from "./dataset";
import { domainChanges } from "./domain";
import { affectedConsumers, gateFailures } from "./gate";
import { bumpCovers, madeBump, requiredBump } from "./semver";
import type { Change, Consumer, DatasetDiff, DomainDiff, MeshDiff } from "./types";

export interface DiffOptions {
  /** Labels of the two revisions, shown in the output. */
  readonly baseLabel?: string;
  readonly headLabel?: string;
  /** Readers outside the manifests (dashboards, API queries), at head. */
  readonly sources?: readonly ConsumerSource[];
  /** Stack settings to compile contracts with; without them the compiled comparison is skipped. */
  readonly settings?: Settings;
}

const byName = <T extends { name: string }>(xs: readonly T[]) => new Map(xs.map((x) => [x.name, x]));
const major = (v: string | null) => (v === null ? undefined : parseSemver(v)?.major);

function datasetDiff(domain: string, b: Dataset | undefined, h: Dataset | undefined, changes: Change[], readers: readonly Consumer[]): DatasetDiff {
  const published = b ? isPublished(b) : false;
  const versions = { base: b?.contract.version ?? null, head: h?.contract.version ?? null };
  const versioned = changes.filter((c) => c.kind !== "compiled-changed");
  // An added dataset starts wherever it likes; a removed one has no head version to bump.
  const required = b && h ? requiredBump(versioned, published) : "none";
  const made = b && h ? madeBump(b.contract.version, h.contract.version) : "none";
  const breaking = versioned.filter((c) => c.class === "breaking");
  const affected = affectedConsumers(breaking, readers, { base: major(versions.base), head: major(versions.head) }, h?.retention?.period);
  return {
    domain,
    dataset: (h ?? b)!.name,
    status: !b ? "added" : !h ? "removed" : "changed",
    baseVersion: versions.base,
    headVersion: versions.head,
    lifecycle: (h ?? b)!.contract.lifecycle,
    changes,
    requiredBump: required,
    bumpMade: bumpCovers(made, required),
    madeBump: made,
    affected,
    failures: gateFailures(breaking, published, required, made, versions, affected),
  };
}

function compareDomain(b: DomainManifest | undefined, h: DomainManifest | undefined, readers: Map<string, Consumer[]>, settings: Settings | undefined): DomainDiff | undefined {
  const name = (h ?? b)!.metadata.name;
  const [bs, hs] = [byName(b?.spec.datasets ?? []), byName(h?.spec.datasets ?? [])];
  const compiled = b && h && settings ? compiledChanges(settings, b, h) : new Map<string, Change[]>();
  const datasets: DatasetDiff[] = [];
  for (const n of [...new Set([...bs.keys(), ...hs.keys()])].sort()) {
    const [bd, hd] = [bs.get(n), hs.get(n)];
    const r = readers.get(`${name}.${n}`) ?? [];
    const changes = bd && hd ? [...datasetChanges(b!, bd, h!, hd, r), ...(compiled.get(n) ?? [])] : bd ? [removedDataset(bd)] : [addedDataset(hd!)];
    if (changes.length > 0) datasets.push(datasetDiff(name, bd, hd, changes, r));
  }
  const changes = b && h ? domainChanges(b, h) : [];
  if (changes.length === 0 && datasets.length === 0) return undefined;
  return { domain: name, status: !b ? "added" : !h ? "removed" : "changed", changes, datasets };
}

/** The contract diff of two meshes. Readers are taken at head: that is who the change reaches. */
export function diffMeshes(base: readonly DomainManifest[], head: readonly DomainManifest[], opts: DiffOptions = {}): MeshDiff {
  const reads = [...meshReads(head), ...(opts.sources ?? []).flatMap((s) => s.reads())];
  const readers = readersByDataset(reads);
  const [b, h] = [new Map(base.map((m) => [m.metadata.name, m])), new Map(head.map((m) => [m.metadata.name, m]))];
  const domains: DomainDiff[] = [];
  for (const n of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const d = compareDomain(b.get(n), h.get(n), readers, opts.settings);
    if (d) domains.push(d);
  }
  const all = domains.flatMap((d) => [...d.changes, ...d.datasets.flatMap((x) => x.changes)]).filter((c) => c.kind !== "compiled-changed");
  const count = (cls: string) => all.filter((c) => c.class === cls).length;
  const failures = domains.flatMap((d) => d.datasets.flatMap((x) => x.failures.map((f) => `${x.domain}.${x.dataset}: ${f}`)));
  return {
    base: opts.baseLabel ?? "base",
    head: opts.headLabel ?? "head",
    domains,
    summary: { breaking: count("breaking"), compatible: count("compatible"), cosmetic: count("cosmetic"), datasets: domains.reduce((n, d) => n + d.datasets.length, 0), failures: failures.length },
    failures,
    consumerSources: ["mesh", ...(opts.sources ?? []).map((s) => s.name)],
  };
}
