import { goldInputColumns, goldSources } from "../gold";
import { ManifestRule } from "../mesh";
import { findColumn, isTenantScoped, tenantKeyOf } from "../model";
import { isNumeric, typeFamily } from "../types";

export const rule: ManifestRule = {
  id: "gold-aggregate",
  description:
    "A gold dataset's join keys, group-by columns and measures resolve against its sources; its columns are exactly tenant key + groupBy + measures with compatible types; tenant data never flows into a shared dataset; personal data keeps its category downstream.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        if (ds.layer !== "gold" || !ds.aggregate) return;
        const at = ["spec", "datasets", d];
        const sources = goldSources(ctx, m, ds);
        if (!sources) return;
        const tk = tenantKeyOf(ds);
        const [first, ...rest] = sources;
        if (tk && !isTenantScoped(first.dataset)) {
          report(m, [...at, "source", "datasets", 0], `the first source "${first.ref.dataset}" of tenant-scoped "${ds.name}" is shared by all tenants`, "a tenant-scoped first source, so every output row has a tenant");
        }
        sources.forEach((s, k) => {
          if (!tk && isTenantScoped(s.dataset)) {
            report(m, [...at, "source", "datasets", k], `shared dataset "${ds.name}" reads tenant-scoped "${s.ref.dataset}"`, "only shared sources in a dataset with tenantScoped: false (tenant data must not lose its tenant)");
          }
          const sk = tenantKeyOf(s.dataset);
          if (tk && sk && sk !== tk) {
            report(m, [...at, "source", "datasets", k], `source "${s.ref.dataset}" keys tenants by "${sk}", this dataset by "${tk}"`, "the same tenant key name across joined datasets");
          }
        });
        rest.forEach((s, k) => {
          (s.ref.join?.on ?? []).forEach((key, j) => {
            const path = [...at, "source", "datasets", k + 1, "join", "on", j];
            if (!findColumn(first.dataset, key)) report(m, path, `join key "${key}" is not a column of the first source "${first.ref.dataset}"`, `one of: ${first.dataset.columns.map((c) => c.name).join(", ")}`);
            if (!findColumn(s.dataset, key)) report(m, path, `join key "${key}" is not a column of "${s.ref.dataset}"`, `one of: ${s.dataset.columns.map((c) => c.name).join(", ")}`);
          });
        });

        const { columns: inputs, ambiguous } = goldInputColumns(sources);
        const input = (name: string, path: (string | number)[]) => {
          if (ambiguous.has(name)) {
            report(m, path, `column "${name}" is in several sources and is not a join key`, "a column of exactly one source, or a join key");
            return undefined;
          }
          const c = inputs.get(name);
          if (!c) report(m, path, `column "${name}" is not in any source`, `one of: ${[...inputs.keys()].filter((n) => !ambiguous.has(n)).sort().join(", ")}`);
          return c;
        };
        const expected = new Map<string, { path: (string | number)[]; check: (out: { physicalType: string; personalData?: unknown; name: string }, i: number) => void }>();
        if (tk) expected.set(tk, { path: [...at, "tenantKey"], check: () => undefined });
        const outputPath = (i: number) => [...at, "columns", i];
        const keepPersonal = (src: { personalData?: { category: string } | false }, out: { personalData?: unknown; name: string }, i: number) => {
          const cat = src.personalData ? src.personalData.category : undefined;
          const outCat = (out.personalData as { category?: string } | undefined)?.category;
          if (cat && outCat !== cat) report(m, [...outputPath(i), "personalData"], `column "${out.name}" carries personal data of category ${cat} from its source but is not marked so`, `personalData: {category: ${cat}, ...}`);
        };
        ds.aggregate.groupBy.forEach((g, i) => {
          const path = [...at, "aggregate", "groupBy", i];
          if (g === tk) {
            report(m, path, `"${g}" is the tenant key, which is always grouped`, "group-by columns other than the tenant key");
            return;
          }
          const src = input(g, path);
          if (src) {
            expected.set(g, {
              path,
              check: (out, j) => {
                if (out.physicalType !== src.physicalType) report(m, [...outputPath(j), "physicalType"], `column "${g}" is ${out.physicalType} but its source column is ${src.physicalType}`, `physicalType: ${src.physicalType}`);
                keepPersonal(src, out, j);
              },
            });
          }
        });
        ds.aggregate.measures.forEach((x, i) => {
          const path = [...at, "aggregate", "measures", i];
          let src: ReturnType<typeof input>;
          if (x.column === undefined) {
            if (x.function !== "count") report(m, path, `measure "${x.name}" (${x.function}) names no column`, "column: <input column> (only count may omit it)");
          } else {
            src = input(x.column, [...path, "column"]);
            if (src && (x.function === "sum" || x.function === "avg") && !isNumeric(src.physicalType)) {
              report(m, [...path, "column"], `${x.function} over "${x.column}", which is ${src.physicalType}`, "a numeric column for sum and avg");
            }
          }
          expected.set(x.name, {
            path,
            check: (out, j) => {
              const fam = typeFamily(out.physicalType);
              const want =
                x.function === "count" || x.function === "count_distinct" ? ["integer"] : x.function === "sum" || x.function === "avg" ? ["integer", "number"] : src ? [typeFamily(src.physicalType)] : [fam];
              if (!want.includes(fam)) report(m, [...outputPath(j), "physicalType"], `measure column "${x.name}" (${x.function}) is ${out.physicalType}`, `a ${want.join(" or ")} type`);
              if (src && (x.function === "min" || x.function === "max")) keepPersonal(src, out, j);
            },
          });
        });
        const seen = new Set<string>();
        ds.columns.forEach((c, i) => {
          const e = expected.get(c.name);
          if (!e) {
            report(m, [...at, "columns", i, "name"], `column "${c.name}" is neither the tenant key, a group-by column nor a measure`, `columns: ${[...expected.keys()].join(", ")}`);
            return;
          }
          seen.add(c.name);
          e.check(c, i);
        });
        for (const [name, e] of expected) {
          // A missing tenant key column is the tenant-key rule's finding; do not report it twice.
          if (!seen.has(name) && name !== tk) report(m, [...at, "columns"], `output column "${name}" (from ${e.path.slice(3).join(".")}) is not declared in columns`, "one column entry per tenant key, group-by column and measure");
        }
      });
    }
  },
};
