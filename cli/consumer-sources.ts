import type { ConsumerSource } from "../lib/diff";

/**
 * Readers of the mesh's datasets that live outside domains/: each entry looks for its part of the repository and
 * returns a ConsumerSource (lib/diff/consumers.ts) listing what its consumers read at the working tree, or
 * undefined when that part is absent. The manifests' own readers (other domains, gold datasets, personas) are
 * always consulted. The serving API's query catalog and the embedded dashboards (issue 19) add their entries
 * here; until they exist, `lakemesh diff` says which sources it consulted ("consumers from: mesh").
 */
export const CONSUMER_SOURCES: readonly ((root: string) => ConsumerSource | undefined)[] = [];

export function consumerSources(root: string): ConsumerSource[] {
  return CONSUMER_SOURCES.map((f) => f(root)).filter((s): s is ConsumerSource => s !== undefined);
}
