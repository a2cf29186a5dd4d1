// Who reads a dataset, at the head revision. The mesh itself knows three kinds: other domains (their
// spec.consumers declaration, with the gold datasets that read it), the same domain's gold datasets, and the
// personas granted access. Readers outside the manifests (dashboards, API queries) come from consumer sources:
// anything that can list what it reads implements ConsumerSource and is passed to diffMeshes.
import { parseDuration, refDomain, type Dataset, type DomainManifest } from "../manifest";
import type { Consumer } from "./types";

/** A reader of one dataset. */
export interface DatasetRead {
  readonly domain: string;
  readonly dataset: string;
  readonly consumer: Consumer;
}

/**
 * A source of consumers outside the manifests (the serving API's query catalog, the embedded dashboards). It lists
 * every dataset each of its consumers reads at the head revision, with the columns it names, the contract major it
 * has moved to and the history it needs, when it knows them. A consumer that stopped reading a dataset is simply
 * not listed, which counts as moved.
 */
export interface ConsumerSource {
  /** Shown in the diff: where these consumers were found (e.g. `serving/queries`). */
  readonly name: string;
  reads(): readonly DatasetRead[];
}

/** Columns of `ds` a gold dataset of the mesh reads from its source `ref` (join keys, group-by, measures, filter). */
function columnsRead(reader: Dataset, source: Dataset): string[] {
  const names = new Set(source.columns.map((c) => c.name));
  const a = reader.aggregate;
  if (!a) return [...names];
  const used = new Set<string>([...a.groupBy, ...a.measures.flatMap((m) => (m.column ? [m.column] : []))]);
  for (const r of reader.source.datasets ?? []) for (const k of r.join?.on ?? []) used.add(k);
  // A filter is an expression over column names; any name that is a column of the source counts as read.
  for (const word of (a.filter ?? "").match(/[a-z][a-z0-9_]*/g) ?? []) used.add(word);
  return [...used].filter((c) => names.has(c)).sort();
}

/** The longest retention among datasets, or undefined when none declares one. */
function longest(datasets: readonly Dataset[]): string | undefined {
  let best: { text: string; ms: number } | undefined;
  for (const d of datasets) {
    const ms = d.retention ? parseDuration(d.retention.period) : undefined;
    if (d.retention && ms !== undefined && (!best || ms > best.ms)) best = { text: d.retention.period, ms };
  }
  return best?.text;
}

/** Every reader the manifests declare, for every dataset. */
export function meshReads(manifests: readonly DomainManifest[]): DatasetRead[] {
  const byName = new Map(manifests.map((m) => [m.metadata.name, m]));
  const out: DatasetRead[] = [];
  for (const m of manifests) {
    const own = m.metadata.name;
    for (const ds of m.spec.datasets) {
      for (const persona of ds.access ?? []) out.push({ domain: own, dataset: ds.name, consumer: { kind: "persona", id: persona, role: "informed" } });
    }
    // Gold datasets: same-domain readers are informed (one team, and validate checks both ends); other domains'
    // are folded into their domain's declaration below.
    for (const gold of m.spec.datasets) {
      for (const ref of gold.source.datasets ?? []) {
        if (refDomain(m, ref) !== own) continue;
        const src = m.spec.datasets.find((d) => d.name === ref.dataset);
        if (!src) continue;
        out.push({
          domain: own,
          dataset: src.name,
          consumer: { kind: "dataset", id: `${own}.${gold.name}`, columns: columnsRead(gold, src), ...(gold.retention ? { retentionNeeded: gold.retention.period } : {}), role: "informed" },
        });
      }
    }
    for (const decl of m.spec.consumers ?? []) {
      const producer = byName.get(decl.domain);
      const viaTopic = (producer?.spec.datasets ?? []).filter((d) => d.source.topic !== undefined && (decl.topics ?? []).includes(d.source.topic)).map((d) => d.name);
      for (const name of [...new Set([...(decl.datasets ?? []), ...viaTopic])].sort()) {
        const readers = m.spec.datasets.filter((g) => (g.source.datasets ?? []).some((r) => r.domain === decl.domain && r.dataset === name));
        const need = longest(readers);
        // Own properties only: a dataset named "constructor" must not find Object.prototype's.
        const accepted = decl.acceptedMajors && Object.hasOwn(decl.acceptedMajors, name) ? decl.acceptedMajors[name] : undefined;
        out.push({
          domain: decl.domain,
          dataset: name,
          // A domain's pipeline and people are granted the whole table: it may read any column.
          consumer: { kind: "domain", id: own, ...(accepted !== undefined ? { acceptedMajor: accepted } : {}), ...(need ? { retentionNeeded: need } : {}), role: "gated" },
        });
      }
    }
  }
  return out;
}

/** Readers by `domain.dataset`. */
export function readersByDataset(reads: readonly DatasetRead[]): Map<string, Consumer[]> {
  const out = new Map<string, Consumer[]>();
  for (const r of reads) {
    const key = `${r.domain}.${r.dataset}`;
    out.set(key, [...(out.get(key) ?? []), r.consumer]);
  }
  return out;
}
