// What the manifest change does to the compiled pipeline contract (lib/compile/contract.ts) of a stack: the
// physical consequences a manifest line does not show, such as a topic renamed by a major bump, a mask attached
// to a column, a row filter added or dropped, a generated NOT NULL expectation.
import { compileContract, meshOf, meshPlatformNames, type ContractDataset, type Settings } from "../compile";
import type { DomainManifest } from "../manifest";
import type { Change } from "./types";

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function kafkaTopic(d: ContractDataset): string | undefined {
  return d.source.kind === "kafka" ? d.source.topic : undefined;
}

/** The contract datasets of a domain by name; a bronze table is listed under the silver dataset its topic feeds. */
function contractDatasets(s: Settings, m: DomainManifest): Map<string, ContractDataset[]> {
  // The platform declares a mask per (category, type) its mesh uses; this domain's columns need only its own.
  const c = compileContract(s, meshPlatformNames(s.catalog, meshOf([m])), m);
  const out = new Map<string, ContractDataset[]>();
  for (const ds of m.spec.datasets) {
    const own = c.datasets.filter((x) => x.name === ds.name);
    const bronzeTable = own[0]?.source.kind === "bronze" ? own[0].source.table : undefined;
    out.set(ds.name, [...own, ...c.datasets.filter((x) => x.layer === "bronze" && x.table === bronzeTable)]);
  }
  return out;
}

function compare(b: ContractDataset, h: ContractDataset): string[] {
  const out: string[] = [];
  const [tb, th] = [kafkaTopic(b), kafkaTopic(h)];
  // A topic's physical name carries the contract major: a new name is a new topic, and the old one is deleted on
  // deploy (a protected production stack refuses that delete until the old topic is unprotected on purpose).
  if (tb && th && tb !== th) out.push(`Kafka topic ${tb} -> ${th}: producers and topic readers switch to the new topic; the old one is deleted on deploy`);
  if (b.table !== h.table) out.push(`table ${b.table} -> ${h.table}`);
  if (!same(b.rowFilter, h.rowFilter)) out.push(h.rowFilter ? `${h.name}: tenant row filter added` : `${h.name}: tenant row filter removed`);
  const masks = (d: ContractDataset) => new Map(d.columns.map((c) => [c.name, c.mask ?? null]));
  const [mb, mh] = [masks(b), masks(h)];
  for (const [col, mask] of mh) {
    if (mb.has(col) && mb.get(col) !== mask) out.push(mask ? `${h.name}.${col}: masked by ${mask}` : `${h.name}.${col}: mask removed`);
    if (!mb.has(col) && mask) out.push(`${h.name}.${col}: new column masked by ${mask}`);
  }
  const generated = (d: ContractDataset) => d.expectations.filter((e) => e.name.startsWith("lm__")).map((e) => `${e.name}: ${e.predicate} (${e.action})`);
  const [gb, gh] = [generated(b), generated(h)];
  for (const e of gh.filter((x) => !gb.includes(x))) out.push(`${h.name}: generated expectation ${e}`);
  for (const e of gb.filter((x) => !gh.includes(x))) out.push(`${h.name}: generated expectation dropped ${e}`);
  const props = (d: ContractDataset) => Object.fromEntries(Object.entries(d.tableProperties).filter(([k]) => k !== "lakemesh.contract_version"));
  const [pb, ph] = [props(b), props(h)];
  const changed = [...new Set([...Object.keys(pb), ...Object.keys(ph)])].filter((k) => pb[k] !== ph[k]).sort();
  if (changed.length) out.push(`${h.name}: table properties ${changed.join(", ")} changed`);
  return out;
}

/** Compiled-contract changes of a dataset present in both revisions, one change per consequence. */
export function compiledChanges(s: Settings, base: DomainManifest, head: DomainManifest): Map<string, Change[]> {
  const [b, h] = [contractDatasets(s, base), contractDatasets(s, head)];
  const out = new Map<string, Change[]>();
  for (const [name, hs] of h) {
    const bs = b.get(name);
    if (!bs) continue;
    const lines: string[] = [];
    for (const hd of hs) {
      const bd = bs.find((x) => x.layer === hd.layer);
      if (bd) lines.push(...compare(bd, hd));
    }
    if (lines.length) out.set(name, lines.map((detail) => ({ kind: "compiled-changed", class: "compatible", subject: "compiled", detail })));
  }
  return out;
}
