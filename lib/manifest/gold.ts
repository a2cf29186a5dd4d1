import { LoadedManifest, resolveRef, RuleContext } from "./mesh";
import { tenantKeyOf } from "./model";
import type { Column, Dataset, DatasetRef } from "./types.gen";

export interface GoldSource {
  readonly ref: DatasetRef;
  readonly domain: string;
  readonly dataset: Dataset;
}

/** The resolved sources of a gold dataset, or undefined when any reference does not resolve (reported elsewhere). */
export function goldSources(ctx: RuleContext, m: LoadedManifest, ds: Dataset): GoldSource[] | undefined {
  const out: GoldSource[] = [];
  for (const ref of ds.source.datasets ?? []) {
    const r = resolveRef(ctx, m, ref);
    if (r.kind !== "found") return undefined;
    out.push({ ref, domain: r.domain.manifest.metadata.name, dataset: r.dataset });
  }
  return out.length > 0 ? out : undefined;
}

/**
 * Columns a gold dataset can read, by name. A name found in several sources resolves only when it is a join key
 * of every source that has it (the tenant key is always one); otherwise it is ambiguous.
 */
export function goldInputColumns(sources: readonly GoldSource[]): { columns: Map<string, Column>; ambiguous: Set<string> } {
  const joinKeys = new Set<string>();
  for (const s of sources) {
    for (const k of s.ref.join?.on ?? []) joinKeys.add(k);
    const tk = tenantKeyOf(s.dataset);
    if (tk) joinKeys.add(tk);
  }
  const columns = new Map<string, Column>();
  const ambiguous = new Set<string>();
  for (const s of sources) {
    for (const c of s.dataset.columns) {
      if (columns.has(c.name) && !joinKeys.has(c.name)) ambiguous.add(c.name);
      else if (!columns.has(c.name)) columns.set(c.name, c);
    }
  }
  return { columns, ambiguous };
}

/** A dataset of another domain that a dataset derives from. */
export interface ForeignSource {
  readonly domain: string;
  readonly dataset: Dataset;
}

/**
 * The other domains' datasets `ds` of `m` derives from, directly or through `m`'s own gold datasets (a gold over a
 * gold of the same domain inherits its sources). References that do not resolve are left out (reported elsewhere).
 */
export function foreignSources(ctx: RuleContext, m: LoadedManifest, ds: Dataset, seen = new Set<string>([ds.name])): ForeignSource[] {
  const own = m.manifest.metadata.name;
  const out: ForeignSource[] = [];
  for (const ref of ds.source.datasets ?? []) {
    const r = resolveRef(ctx, m, ref);
    if (r.kind !== "found") continue;
    if (r.domainName !== own) out.push({ domain: r.domainName, dataset: r.dataset });
    else if (!seen.has(r.dataset.name)) {
      seen.add(r.dataset.name);
      out.push(...foreignSources(ctx, m, r.dataset, seen));
    }
  }
  return out;
}

/**
 * Whether a personal column `column` of `source` (a source of a dataset of `m`) is another domain's personal data:
 * the source belongs to another domain, or is `m`'s own gold over another domain's data (its personal columns can
 * only be kept from its sources, conservatively all of them).
 */
export function isForeignPersonal(ctx: RuleContext, m: LoadedManifest, source: GoldSource, column: string): boolean {
  const c = source.dataset.columns.find((x) => x.name === column);
  if (!c?.personalData) return false;
  return source.domain !== m.manifest.metadata.name || foreignSources(ctx, m, source.dataset).length > 0;
}
