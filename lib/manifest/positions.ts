// Where a manifest's fields sit in its file, recorded when it is loaded and carried with it (the DataDomain
// component's inputs), so a policy violation about a manifest names file:line:col as validate does. Only the fields
// rules point at are kept (topics, datasets and their keys, columns and their personalData, sources, consumers):
// a few kilobytes per manifest. Deterministic: the same file gives the same positions.
import type { LoadedManifest } from "./mesh";
import { displayPath, toPointer, type FieldPath } from "./paths";
import type { DomainManifest } from "./types.gen";

/** A manifest's file (relative to the project) and the line:column of its fields, by JSON pointer. */
export interface ManifestSource {
  readonly file: string;
  readonly positions: Readonly<Record<string, string>>;
}

/** The fields whose positions are kept: what rules report on, down to a column's keys. */
export function locatedPaths(m: DomainManifest): FieldPath[] {
  const out: FieldPath[] = [["metadata"], ["metadata", "owner"], ["spec", "sla"]];
  const keysOf = (at: FieldPath, o: object) => Object.keys(o).map((k) => [...at, k]);
  (m.spec.topics ?? []).forEach((t, i) => out.push(["spec", "topics", i], ...keysOf(["spec", "topics", i], t)));
  m.spec.datasets.forEach((ds, d) => {
    const at = ["spec", "datasets", d];
    out.push(at, ...keysOf(at, ds), [...at, "contract", "version"], [...at, "contract", "lifecycle"]);
    if (ds.partitionBy) out.push([...at, "partitionBy", "columns"]);
    (ds.source.datasets ?? []).forEach((_, k) => out.push([...at, "source", "datasets", k]));
    ds.columns.forEach((c, j) => out.push([...at, "columns", j], ...(c.personalData !== undefined ? [[...at, "columns", j, "personalData"]] : [])));
  });
  (m.spec.consumers ?? []).forEach((_, i) => out.push(["spec", "consumers", i]));
  return out;
}

function valueAt(root: unknown, path: FieldPath): unknown {
  let v: unknown = root;
  for (const seg of path) v = v === null || typeof v !== "object" ? undefined : (v as Record<string | number, unknown>)[seg];
  return v;
}

/**
 * The positions of a loaded manifest's located fields, as validate places its errors: a scalar at its value, a
 * mapping or list at its key, a list item at its first line.
 */
export function manifestSource(loaded: LoadedManifest): ManifestSource {
  const positions: Record<string, string> = {};
  for (const path of locatedPaths(loaded.manifest)) {
    const v = valueAt(loaded.manifest, path);
    const atKey = typeof path[path.length - 1] === "string" && v !== null && typeof v === "object";
    const pos = loaded.sourceMap.locate(path, atKey ? "key" : "value");
    positions[toPointer(path)] = `${pos.line}:${pos.column}`;
  }
  return { file: loaded.file, positions };
}

/** `file:line:col: <field path>` of a field: its own position, else its nearest located ancestor's. */
export function locateIn(source: ManifestSource, path: FieldPath): string {
  for (let n = path.length; n > 0; n--) {
    const hit = source.positions[toPointer(path.slice(0, n))];
    if (hit) return `${source.file}:${hit}: ${displayPath(path)}`;
  }
  return `${source.file}:1:1: ${displayPath(path)}`;
}
