import { quote } from "../errors";
import { goldInputColumns, goldSources } from "../gold";
import { ManifestRule } from "../mesh";
import { checkPredicate } from "../predicate";

export const rule: ManifestRule = {
  id: "expectations",
  description: "Expectations and gold filters are single boolean predicates over known columns: no ';', comments, quoting, DDL/DML keywords or sub-queries.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        const names = new Set(ds.columns.map((c) => c.name));
        const booleans = new Set(ds.columns.filter((c) => c.physicalType === "BOOLEAN").map((c) => c.name));
        (ds.expectations ?? []).forEach((e, i) => {
          const r = checkPredicate(e.predicate, names, booleans);
          if (!r.ok) report(m, [...at, "expectations", i, "predicate"], `${quote(e.predicate)}: ${r.problem}`, r.allowed);
        });
        const filter = ds.aggregate?.filter;
        if (filter === undefined) return;
        const sources = goldSources(ctx, m, ds);
        if (!sources) return;
        const { columns, ambiguous } = goldInputColumns(sources);
        const usable = new Set([...columns.keys()].filter((c) => !ambiguous.has(c)));
        const inputBooleans = new Set([...usable].filter((c) => columns.get(c)!.physicalType === "BOOLEAN"));
        const r = checkPredicate(filter, usable, inputBooleans, (name) =>
          ambiguous.has(name)
            ? { problem: `column "${name}" is in several sources and is not a join key`, allowed: "a column of exactly one source, or a join key" }
            : { problem: `"${name}" is not a column of any source`, allowed: `columns: ${[...usable].sort().join(", ")}` },
        );
        if (!r.ok) report(m, [...at, "aggregate", "filter"], `${quote(filter)}: ${r.problem}`, r.allowed);
      });
    }
  },
};
