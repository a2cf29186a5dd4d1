// Column-level changes of one dataset between two revisions.
import { isPersonal, type Column, type Dataset } from "../manifest";
import { typeChange } from "./column-types";
import type { Change } from "./types";

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * A removed and an added column at the same position with the same type are one rename: consumers see the old
 * name vanish either way, but "renamed a -> b" tells them what to read instead.
 */
function pairRenames(base: readonly Column[], head: readonly Column[], removed: Column[], added: Column[]): [Column, Column][] {
  const pairs: [Column, Column][] = [];
  for (const r of [...removed]) {
    const i = base.indexOf(r);
    const a = head[i];
    if (a && added.includes(a) && a.physicalType === r.physicalType) {
      pairs.push([r, a]);
      removed.splice(removed.indexOf(r), 1);
      added.splice(added.indexOf(a), 1);
    }
  }
  return pairs;
}

function commonColumnChanges(b: Column, h: Column): Change[] {
  const out: Change[] = [];
  const at = `columns.${h.name}`;
  const t = typeChange(b.physicalType, h.physicalType);
  if (t === "narrowed") out.push({ kind: "type-narrowed", class: "breaking", subject: at, detail: `type narrowed ${b.physicalType} -> ${h.physicalType}: old values may not fit`, columns: [h.name] });
  if (t === "changed") out.push({ kind: "type-changed", class: "breaking", subject: at, detail: `type changed ${b.physicalType} -> ${h.physicalType}`, columns: [h.name] });
  if (t === "widened") out.push({ kind: "type-widened", class: "compatible", subject: at, detail: `type widened ${b.physicalType} -> ${h.physicalType}` });
  const [wasRequired, isRequired] = [b.required === true, h.required === true];
  // Tightening refuses events the writers could send before; loosening lets readers see NULL where the contract
  // promised a value. Readers are unaffected by the first (columns: []), so only the bump is asked of it.
  if (!wasRequired && isRequired) out.push({ kind: "nullability-tightened", class: "breaking", subject: at, detail: "now required (NOT NULL): events without it are refused", columns: [] });
  if (wasRequired && !isRequired) out.push({ kind: "nullability-loosened", class: "breaking", subject: at, detail: "no longer required: readers may now see NULL", columns: [h.name] });
  if (!same(b.personalData, h.personalData) || b.reason !== h.reason) {
    // personalData: false (with a reason) says a column that looks personal is not: unmasked either way.
    const what = isPersonal(h)
      ? isPersonal(b) ? "personal-data fields changed" : `now personal data (${h.personalData.category}): masked for readers without clearance`
      : isPersonal(b) ? "no longer personal data: unmasked"
      : h.personalData === false ? `declared not personal data: ${h.reason ?? ""}` : "no longer declared not personal data";
    out.push({ kind: "personal-data-changed", class: "compatible", subject: at, detail: what });
  }
  if ((b.classification ?? "internal") !== (h.classification ?? "internal")) {
    out.push({ kind: "classification-changed", class: "compatible", subject: at, detail: `classification ${b.classification ?? "internal"} -> ${h.classification ?? "internal"}` });
  }
  if (b.description !== h.description) out.push({ kind: "description-changed", class: "cosmetic", subject: at, detail: "description changed" });
  if (!same(b.examples, h.examples)) out.push({ kind: "examples-changed", class: "cosmetic", subject: at, detail: "examples changed" });
  return out;
}

/** Every column change of a dataset, in head column order. */
export function columnChanges(base: Dataset, head: Dataset, writtenByProducers: boolean): Change[] {
  const headNames = new Set(head.columns.map((c) => c.name));
  const baseNames = new Set(base.columns.map((c) => c.name));
  const removed = base.columns.filter((c) => !headNames.has(c.name));
  const added = head.columns.filter((c) => !baseNames.has(c.name));
  const out: Change[] = [];
  for (const [r, a] of pairRenames(base.columns, head.columns, removed, added)) {
    out.push({ kind: "column-renamed", class: "breaking", subject: `columns.${r.name}`, detail: `renamed ${r.name} -> ${a.name}`, columns: [r.name] });
  }
  for (const r of removed) out.push({ kind: "column-removed", class: "breaking", subject: `columns.${r.name}`, detail: `removed ${r.name} (${r.physicalType})`, columns: [r.name] });
  for (const a of added) {
    // A new required column of a topic-fed dataset refuses every event that lacks it: the producers break.
    if (a.required === true && writtenByProducers) {
      out.push({ kind: "required-column-added", class: "breaking", subject: `columns.${a.name}`, detail: `added ${a.name} (${a.physicalType}, required): events without it are refused`, columns: [] });
    } else {
      out.push({ kind: "column-added", class: "compatible", subject: `columns.${a.name}`, detail: `added ${a.name} (${a.physicalType}${a.required ? ", required" : ""})` });
    }
  }
  for (const h of head.columns) {
    const b = base.columns.find((c) => c.name === h.name);
    if (b) out.push(...commonColumnChanges(b, h));
  }
  const order = (cols: readonly Column[]) => cols.map((c) => c.name).filter((n) => baseNames.has(n) && headNames.has(n));
  if (!same(order(base.columns), order(head.columns))) out.push({ kind: "columns-reordered", class: "cosmetic", subject: "columns", detail: "columns reordered" });
  return out;
}
