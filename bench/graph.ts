/**
 * Longest chain of resources the engine must create one after another: an edge from each dependency, and from
 * the parent, to the resource. Returns the number of resources on the chain.
 */
export function criticalPath(resources: readonly { urn: string; parent: string; dependsOn: readonly string[] }[]): number {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const walk = (urn: string): number => {
    const known = depth.get(urn);
    if (known !== undefined) return known;
    const r = byUrn.get(urn);
    if (!r || visiting.has(urn)) return 0;
    visiting.add(urn);
    let d = 0;
    for (const dep of [...r.dependsOn, ...(r.parent ? [r.parent] : [])]) d = Math.max(d, walk(dep));
    visiting.delete(urn);
    depth.set(urn, d + 1);
    return d + 1;
  };
  let max = 0;
  for (const r of resources) max = Math.max(max, walk(r.urn));
  return max;
}
