import { ManifestRule } from "../mesh";
import { refDomain } from "../model";

export const rule: ManifestRule = {
  id: "layers",
  description:
    "A silver dataset reads one topic and has no aggregate; a gold dataset reads datasets, joins every source after the first, has an aggregate, and no gold datasets of a domain read each other in a cycle.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      const own = m.manifest.metadata.name;
      const datasets = m.manifest.spec.datasets;
      datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        if (ds.layer === "silver") {
          if (ds.source.topic === undefined) report(m, [...at, "source"], `silver dataset "${ds.name}" does not read a topic`, "source: {topic: <a topic of spec.topics>}");
          if (ds.aggregate) report(m, [...at, "aggregate"], `silver dataset "${ds.name}" has an aggregate`, "aggregate only on gold datasets");
          return;
        }
        if (ds.source.datasets === undefined) {
          report(m, [...at, "source"], `gold dataset "${ds.name}" does not read datasets`, "source: {datasets: [{dataset: ...}, ...]}");
        }
        if (!ds.aggregate) report(m, at, `gold dataset "${ds.name}" has no aggregate`, "aggregate: {groupBy: [...], measures: [...]}");
        (ds.source.datasets ?? []).forEach((ref, k) => {
          if (k === 0 && ref.join) report(m, [...at, "source", "datasets", 0, "join"], "the first source has a join", "no join on the first source; later sources join it");
          if (k > 0 && !ref.join) report(m, [...at, "source", "datasets", k], `source "${ref.dataset}" has no join`, "join: {on: [<columns shared with the first source>], type: inner | left}");
        });
      });
      // Cycles among this domain's datasets would make the pipeline graph invalid.
      const edges = new Map(datasets.map((ds) => [ds.name, (ds.source.datasets ?? []).filter((r) => refDomain(m.manifest, r) === own).map((r) => r.dataset)]));
      const state = new Map<string, "visiting" | "done">();
      const visit = (name: string, trail: string[]): string[] | undefined => {
        if (state.get(name) === "done") return undefined;
        if (state.get(name) === "visiting") return [...trail.slice(trail.indexOf(name)), name];
        state.set(name, "visiting");
        for (const next of edges.get(name) ?? []) {
          const cycle = visit(next, [...trail, name]);
          if (cycle) return cycle;
        }
        state.set(name, "done");
        return undefined;
      };
      // With duplicate names the graph is ambiguous; unique-names reports that first.
      if (new Set(datasets.map((ds) => ds.name)).size !== datasets.length) continue;
      for (const ds of datasets) {
        const cycle = visit(ds.name, []);
        if (cycle) {
          const d = datasets.findIndex((x) => x.name === cycle[0]);
          report(m, ["spec", "datasets", d, "source"], `datasets read each other in a cycle: ${cycle.join(" -> ")}`, "an acyclic bronze -> silver -> gold graph");
          break;
        }
      }
    }
  },
};
