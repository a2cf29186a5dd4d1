import { ManifestRule } from "../mesh";
import { RESERVED_DATASET_PREFIX } from "../model";

/** Index pairs (later, first) of items whose key repeats. */
function repeats<T>(items: readonly T[] | undefined, key: (t: T) => string): [number, number][] {
  const first = new Map<string, number>();
  const out: [number, number][] = [];
  (items ?? []).forEach((item, i) => {
    const k = key(item);
    const at = first.get(k);
    if (at === undefined) first.set(k, i);
    else out.push([i, at]);
  });
  return out;
}

export const rule: ManifestRule = {
  id: "unique-names",
  description: "Domain names are unique across the mesh; dataset and topic names within a domain; column, expectation and measure names within a dataset.",
  check(ctx, report) {
    const seen = new Map<string, string>();
    for (const m of ctx.manifests) {
      const name = m.manifest.metadata.name;
      const prior = seen.get(name);
      if (prior !== undefined) {
        report(m, ["metadata", "name"], `domain "${name}" is already defined in ${prior}`, "a domain name used by exactly one manifest");
      } else seen.set(name, m.file);

      const spec = m.manifest.spec;
      for (const [i, j] of repeats(spec.datasets, (d) => d.name)) {
        report(m, ["spec", "datasets", i, "name"], `dataset "${spec.datasets[i].name}" is already defined at spec.datasets[${j}]`, "dataset names unique within the domain");
      }
      for (const [i, j] of repeats(spec.topics, (t) => t.name)) {
        report(m, ["spec", "topics", i, "name"], `topic "${spec.topics![i].name}" is already defined at spec.topics[${j}]`, "topic names unique within the domain");
      }
      for (const [i, j] of repeats(spec.consumers, (c) => c.domain)) {
        report(m, ["spec", "consumers", i, "domain"], `domain "${spec.consumers![i].domain}" is already listed at spec.consumers[${j}]`, "one consumers entry per domain read");
      }
      spec.datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        if (ds.name.startsWith(RESERVED_DATASET_PREFIX)) {
          report(m, [...at, "name"], `dataset name "${ds.name}" starts with the reserved prefix "${RESERVED_DATASET_PREFIX}"`, "a name without that prefix; raw bronze tables are generated for every topic");
        }
        for (const [i, j] of repeats(ds.columns, (c) => c.name)) {
          report(m, [...at, "columns", i, "name"], `column "${ds.columns[i].name}" is already defined at columns[${j}]`, "column names unique within the dataset");
        }
        for (const [i, j] of repeats(ds.expectations, (e) => e.name)) {
          report(m, [...at, "expectations", i, "name"], `expectation "${ds.expectations![i].name}" is already defined at expectations[${j}]`, "expectation names unique within the dataset");
        }
        for (const [i, j] of repeats(ds.aggregate?.measures, (x) => x.name)) {
          report(m, [...at, "aggregate", "measures", i, "name"], `measure "${ds.aggregate!.measures[i].name}" is already defined at measures[${j}]`, "measure names unique within the dataset");
        }
      });
    }
  },
};
