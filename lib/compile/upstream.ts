import type { Mesh } from "./model";

/** Domains read each other in a cycle through their consumers: no order runs every producer first. */
export class UpstreamCycleError extends Error {
  constructor(readonly cycle: readonly string[]) {
    super(`domains read each other in a cycle through their consumers: ${cycle.join(" -> ")}`);
  }
}

/**
 * The domains `domain` reads from, directly or through other domains, as its manifest's `consumers` declare them
 * (datasets or topics), in an order that puts every producer before the domains reading it; `domain` itself is
 * not included. Producers of one consumer are visited in name order, so the order is deterministic.
 * Throws for a domain that is not in the mesh, and UpstreamCycleError when consumers form a cycle.
 */
export function upstreamDomains(mesh: Mesh, domain: string): string[] {
  if (!mesh.byName.has(domain)) throw new Error(`no domain ${JSON.stringify(domain)} in the mesh; domains: ${[...mesh.byName.keys()].join(", ")}`);
  const order: string[] = [];
  const done = new Set<string>();
  const visit = (name: string, trail: readonly string[]): void => {
    if (done.has(name)) return;
    const at = trail.indexOf(name);
    if (at >= 0) throw new UpstreamCycleError([...trail.slice(at), name]);
    const producers = [...new Set((mesh.byName.get(name)?.spec.consumers ?? []).map((c) => c.domain))].sort();
    for (const p of producers) visit(p, [...trail, name]);
    done.add(name);
    order.push(name);
  };
  visit(domain, []);
  return order.filter((d) => d !== domain);
}
