// Dataset-level changes between two revisions: columns (columns.ts), keys, retention, lifecycle, access and the rest.
import { parseDuration, tenantKeyOf, type Dataset, type DomainManifest } from "../manifest";
import { columnChanges } from "./columns";
import type { Change, Consumer } from "./types";

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const list = (xs: readonly string[]) => (xs.length ? xs.join(", ") : "none");
const PUBLISHED = new Set(["active", "deprecated"]);

/** A published contract promises its shape to consumers; draft and retired ones promise nothing. */
export function isPublished(ds: Dataset): boolean {
  return PUBLISHED.has(ds.contract.lifecycle);
}

function topicKey(domain: DomainManifest, ds: Dataset): string | undefined {
  return (domain.spec.topics ?? []).find((t) => t.name === ds.source.topic)?.key;
}

function keyChanges(bd: DomainManifest, b: Dataset, hd: DomainManifest, h: Dataset): Change[] {
  const out: Change[] = [];
  const pk = (d: Dataset) => d.columns.filter((c) => c.primaryKey).map((c) => c.name).sort();
  if (!same(pk(b), pk(h))) out.push({ kind: "key-changed", class: "breaking", subject: "primaryKey", detail: `primary key (${list(pk(b))}) -> (${list(pk(h))})` });
  if (tenantKeyOf(b) !== tenantKeyOf(h)) out.push({ kind: "key-changed", class: "breaking", subject: "tenantKey", detail: `tenant key ${tenantKeyOf(b) ?? "(shared by all tenants)"} -> ${tenantKeyOf(h) ?? "(shared by all tenants)"}` });
  const [tb, th] = [topicKey(bd, b), topicKey(hd, h)];
  if (tb && th && tb !== th) out.push({ kind: "key-changed", class: "breaking", subject: `topics.${h.source.topic}.key`, detail: `message key of topic ${h.source.topic} ${tb} -> ${th}: partitioning and ordering change` });
  if (b.subjectKey !== h.subjectKey) out.push({ kind: "subject-key-changed", class: "compatible", subject: "subjectKey", detail: `subject key ${b.subjectKey ?? "(none)"} -> ${h.subjectKey ?? "(none)"}` });
  // SCD type 2 keeps every version of a key (and __START_AT, __END_AT): readers that expect one row per key break.
  if ((b.scdType ?? 1) !== (h.scdType ?? 1)) out.push({ kind: "key-changed", class: "breaking", subject: "scdType", detail: `SCD type ${b.scdType ?? 1} -> ${h.scdType ?? 1}: rows per key change` });
  if (b.sequenceBy !== h.sequenceBy) out.push({ kind: "sequence-changed", class: "compatible", subject: "sequenceBy", detail: `sequence column ${b.sequenceBy ?? "(none)"} -> ${h.sequenceBy ?? "(none)"}` });
  return out;
}

/** Retention shortened below what a reader needs is breaking; any other retention change is compatible. */
function retentionChange(b: Dataset, h: Dataset, readers: readonly Consumer[]): Change[] {
  if (same(b.retention, h.retention)) return [];
  const ms = (d: Dataset) => (d.retention ? parseDuration(d.retention.period) ?? Infinity : Infinity);
  const text = (d: Dataset) => (d.retention ? `${d.retention.period} on ${d.retention.column}` : "unbounded");
  const detail = `retention ${text(b)} -> ${text(h)}`;
  if (ms(h) < ms(b)) {
    const short = readers.filter((r) => r.retentionNeeded !== undefined && (parseDuration(r.retentionNeeded) ?? 0) > ms(h));
    if (short.length > 0) {
      return [{ kind: "retention-below-need", class: "breaking", subject: "retention", detail: `${detail}: shorter than ${short.map((r) => `${r.id} needs (${r.retentionNeeded})`).join(", ")}` }];
    }
  }
  return [{ kind: "retention-changed", class: "compatible", subject: "retention", detail }];
}

/** Readers that still read a dataset: anything but a persona's grant. */
function liveReaders(readers: readonly Consumer[]): Consumer[] {
  return readers.filter((r) => r.kind !== "persona");
}

function lifecycleChange(b: Dataset, h: Dataset, readers: readonly Consumer[]): Change[] {
  const [was, is] = [b.contract.lifecycle, h.contract.lifecycle];
  if (was === is) return [];
  const detail = `lifecycle ${was} -> ${is}`;
  if (is === "retired" && PUBLISHED.has(was)) {
    const live = liveReaders(readers);
    if (live.length > 0) return [{ kind: "dataset-retired", class: "breaking", subject: "contract.lifecycle", detail: `${detail} while ${live.map((r) => r.id).join(", ")} still read it` }];
  }
  if (is === "draft" && PUBLISHED.has(was)) return [{ kind: "dataset-unpublished", class: "breaking", subject: "contract.lifecycle", detail: `${detail}: other domains may no longer read it` }];
  return [{ kind: "lifecycle-changed", class: "compatible", subject: "contract.lifecycle", detail }];
}

function otherChanges(b: Dataset, h: Dataset): Change[] {
  const out: Change[] = [];
  const granted = (h.access ?? []).filter((p) => !(b.access ?? []).includes(p));
  const revoked = (b.access ?? []).filter((p) => !(h.access ?? []).includes(p));
  if (granted.length) out.push({ kind: "access-granted", class: "compatible", subject: "access", detail: `access granted to ${granted.join(", ")}` });
  // Revoking a persona is a security decision that must not wait for a major version; the persona is told.
  if (revoked.length) out.push({ kind: "access-revoked", class: "compatible", subject: "access", detail: `access revoked from ${revoked.join(", ")}` });
  if (!same(b.expectations, h.expectations)) out.push({ kind: "expectations-changed", class: "compatible", subject: "expectations", detail: "expectations changed" });
  if (!same(b.clusterBy, h.clusterBy) || !same(b.partitionBy, h.partitionBy)) out.push({ kind: "layout-changed", class: "compatible", subject: "layout", detail: "clustering or partitioning changed" });
  if (!same(b.source, h.source) || b.layer !== h.layer) out.push({ kind: "source-changed", class: "compatible", subject: "source", detail: "source changed" });
  if (!same(b.aggregate, h.aggregate)) out.push({ kind: "aggregate-changed", class: "compatible", subject: "aggregate", detail: "aggregate changed" });
  if (b.description !== h.description) out.push({ kind: "description-changed", class: "cosmetic", subject: "description", detail: "description changed" });
  if (!same(b.owner, h.owner)) out.push({ kind: "owner-changed", class: "cosmetic", subject: "owner", detail: `owner ${b.owner?.team ?? "(domain's)"} -> ${h.owner?.team ?? "(domain's)"}` });
  return out;
}

/** Every change of a dataset present in both revisions. `readers` are its readers at head. */
export function datasetChanges(bd: DomainManifest, b: Dataset, hd: DomainManifest, h: Dataset, readers: readonly Consumer[]): Change[] {
  return [
    ...lifecycleChange(b, h, readers),
    ...columnChanges(b, h, h.source.topic !== undefined),
    ...keyChanges(bd, b, hd, h),
    ...retentionChange(b, h, readers),
    ...otherChanges(b, h),
  ];
}

/** A dataset that left the manifests. Only a retired or draft one may leave without breaking its readers. */
export function removedDataset(b: Dataset): Change {
  if (isPublished(b)) return { kind: "dataset-removed", class: "breaking", detail: `removed while ${b.contract.lifecycle}: retire it first (deprecated -> retired), then remove it` };
  return { kind: "dataset-removed", class: "compatible", detail: `removed (was ${b.contract.lifecycle})` };
}

export function addedDataset(h: Dataset): Change {
  return { kind: "dataset-added", class: "compatible", detail: `added (${h.layer}, ${h.contract.lifecycle}, ${h.columns.length} columns)` };
}
