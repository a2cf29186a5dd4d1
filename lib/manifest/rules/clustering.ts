import { ManifestRule } from "../mesh";
import { findColumn, tenantKeyOf } from "../model";
import { typeFamily } from "../types";

const UNCLUSTERABLE = new Set(["array", "object", "binary"]);

export const rule: ManifestRule = {
  id: "clustering",
  description:
    "Clustering and partition columns exist, are scalar and are not personal data (their values would stay in Delta statistics or paths after erasure); at most 4 clustering columns with the tenant key first; a dataset uses liquid clustering or partitioning, not both.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        const check = (field: "clusterBy" | "partitionBy", names: readonly string[]) =>
          names.forEach((name, i) => {
            const path = field === "clusterBy" ? [...at, field, i] : [...at, field, "columns", i];
            const col = findColumn(ds, name);
            if (!col) report(m, path, `"${name}" is not a column of dataset "${ds.name}"`, `one of: ${ds.columns.map((c) => c.name).join(", ")}`);
            else if (UNCLUSTERABLE.has(typeFamily(col.physicalType))) report(m, path, `"${name}" is ${col.physicalType}`, "a scalar column (not ARRAY, MAP or BINARY)");
            else if (col.personalData) {
              report(m, path, `"${name}" is personal data (${col.personalData.category})`, "a column without personal data: clustering keeps min/max statistics in the Delta log, which outlive erasure");
            }
          });
        check("clusterBy", ds.clusterBy ?? []);
        // The tenant key is clustered first; Delta clusters by at most 4 columns, so it must leave room for it.
        const tk = tenantKeyOf(ds);
        if (tk && ds.clusterBy && !ds.clusterBy.includes(tk) && ds.clusterBy.length > 3) {
          report(m, [...at, "clusterBy"], `${ds.clusterBy.length} columns besides the tenant key "${tk}", which is clustered first`, "at most 3 columns besides the tenant key (4 in all)");
        }
        check("partitionBy", ds.partitionBy?.columns ?? []);
        if (ds.clusterBy && ds.partitionBy) {
          report(m, [...at, "partitionBy"], `dataset "${ds.name}" sets both clusterBy and partitionBy`, "one of them; liquid clustering (clusterBy) is the default");
        }
      });
    }
  },
};
