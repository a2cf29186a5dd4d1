import { ManifestRule } from "../mesh";
import { findColumn, personalColumns } from "../model";
import { typeFamily } from "../types";

export const rule: ManifestRule = {
  id: "retention",
  description: "A dataset with personal data declares retention; a retention column exists, is DATE or TIMESTAMP, and is required (a NULL never expires).",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        if (!ds.retention) {
          if (personalColumns(ds).length > 0) {
            report(m, at, `dataset "${ds.name}" holds personal data but declares no retention`, "retention: {period: <ISO 8601 duration>, column: <DATE or TIMESTAMP column>}");
          }
          return;
        }
        const col = findColumn(ds, ds.retention.column);
        if (!col) {
          report(m, [...at, "retention", "column"], `retention column "${ds.retention.column}" is not a column of dataset "${ds.name}"`, "a DATE or TIMESTAMP column of the dataset");
        } else if (!["date", "timestamp"].includes(typeFamily(col.physicalType))) {
          report(m, [...at, "retention", "column"], `retention column "${col.name}" is ${col.physicalType}`, "a DATE or TIMESTAMP column");
        } else if (col.required !== true) {
          // The nightly job deletes rows where the column is older than the cutoff; NULL < cutoff is never true.
          report(m, [...at, "retention", "column"], `retention column "${col.name}" is not required, so rows where it is NULL would never expire`, `required: true on column "${col.name}" (NOT NULL)`);
        }
      });
    }
  },
};
