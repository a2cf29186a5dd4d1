import { ManifestRule } from "../mesh";
import { findColumn } from "../model";
import { typeFamily } from "../types";

const UNCLUSTERABLE = new Set(["array", "object", "binary"]);

export const rule: ManifestRule = {
  id: "clustering",
  description:
    "Clustering and partition columns exist, are scalar and are not personal data (their values would stay in Delta statistics or paths after erasure); a dataset uses liquid clustering or partitioning, not both.",
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
        check("partitionBy", ds.partitionBy?.columns ?? []);
        if (ds.clusterBy && ds.partitionBy) {
          report(m, [...at, "partitionBy"], `dataset "${ds.name}" sets both clusterBy and partitionBy`, "one of them; liquid clustering (clusterBy) is the default");
        }
      });
    }
  },
};
