// Where a manifest's fields sit in its file, for policy violations: the DataDomain component's inputs carry the
// manifest and its file (project-relative); a rule that reports a field looks it up in the file then, so clean plans
// pay nothing and the plan's bytes do not depend on line numbers. The lookup checks that the file still holds what
// the plan was made from (domain, and the name of every list item on the way to the field); otherwise it names the
// field without a position rather than a wrong one.
import * as fs from "fs";
import * as path from "path";
import { displayPath, type FieldPath } from "./paths";
import { parseManifestSource, type SourceMap } from "./source";

interface Located {
  readonly value: unknown;
  readonly sourceMap: SourceMap;
}

const cache = new Map<string, Located | null>();

function load(full: string): Located | null {
  if (!cache.has(full)) {
    let located: Located | null = null;
    try {
      const r = parseManifestSource(full, fs.readFileSync(full, "utf8"));
      if (r.ok) located = { value: r.value, sourceMap: r.sourceMap };
    } catch {
      located = null;
    }
    cache.set(full, located);
  }
  return cache.get(full)!;
}

const at = (root: unknown, p: FieldPath): unknown => p.reduce<unknown>((v, seg) => (v !== null && typeof v === "object" ? (v as Record<string | number, unknown>)[seg] : undefined), root);

/** Whether the file's manifest is the plan's on the way to `p`: same domain, and same names of the list items passed. */
function sameWay(file: unknown, manifest: unknown, p: FieldPath): boolean {
  const name = (v: unknown) => (v !== null && typeof v === "object" ? (v as { name?: unknown }).name : undefined);
  if (name(at(file, ["metadata"])) !== name(at(manifest, ["metadata"]))) return false;
  for (let n = 1; n <= p.length; n++) {
    if (typeof p[n - 1] !== "number") continue;
    const [a, b] = [at(file, p.slice(0, n)), at(manifest, p.slice(0, n))];
    if (a === undefined || name(a) !== name(b)) return false;
  }
  return true;
}

/**
 * `file:line:col: <field path>` of a field of `manifest`, read from `file` (relative to one of `roots`, the first
 * where it holds that manifest), as validate names positions; without such a file, `<domain>: <field path>`.
 */
export function locateField(roots: readonly string[], file: string, manifest: unknown, p: FieldPath): string {
  for (const root of roots) {
    const located = load(path.resolve(root, file));
    if (!located || !sameWay(located.value, manifest, p)) continue;
    const last = p[p.length - 1];
    const v = at(manifest, p);
    const pos = located.sourceMap.locate(p, typeof last === "string" && v !== null && typeof v === "object" ? "key" : "value");
    return `${file}:${pos.line}:${pos.column}: ${displayPath(p)}`;
  }
  const domain = (at(manifest, ["metadata", "name"]) as string | undefined) ?? "(manifest)";
  return `${domain}: ${displayPath(p)}`;
}
