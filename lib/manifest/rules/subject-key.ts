import { ManifestRule } from "../mesh";
import { findColumn, personalColumns } from "../model";

export const rule: ManifestRule = {
  id: "subject-key",
  description: "A dataset with personal data names its data-subject column (subjectKey), which exists and is STRING.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        const personal = personalColumns(ds);
        if (ds.subjectKey === undefined) {
          if (personal.length > 0) {
            report(
              m,
              at,
              `dataset "${ds.name}" has personal columns (${personal.map((c) => c.name).join(", ")}) but no subjectKey`,
              "subjectKey: the column that identifies the data subject, so access and erasure requests can find their rows",
            );
          }
          return;
        }
        const col = findColumn(ds, ds.subjectKey);
        if (!col) {
          report(m, [...at, "subjectKey"], `subjectKey "${ds.subjectKey}" is not a column of dataset "${ds.name}"`, `one of: ${ds.columns.map((c) => c.name).join(", ")}`);
        } else if (col.physicalType !== "STRING") {
          report(m, [...at, "subjectKey"], `subjectKey column "${ds.subjectKey}" is ${col.physicalType}`, "a STRING column (subject ids are bound as string parameters)");
        }
      });
    }
  },
};
