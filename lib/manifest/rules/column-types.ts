import { ManifestRule } from "../mesh";
import { decimalParts, impliedLogicalType } from "../types";

export const rule: ManifestRule = {
  id: "column-types",
  description: "logicalType agrees with physicalType, DECIMAL scale fits its precision, and primary-key columns are required.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        ds.columns.forEach((c, i) => {
          const at = ["spec", "datasets", d, "columns", i];
          const implied = impliedLogicalType(c.physicalType);
          if (c.logicalType !== undefined && c.logicalType !== implied) {
            report(m, [...at, "logicalType"], `logicalType ${c.logicalType} does not match physicalType ${c.physicalType}`, `logicalType: ${implied}, or omit it`);
          }
          const dec = decimalParts(c.physicalType);
          if (dec && dec.scale > dec.precision) {
            report(m, [...at, "physicalType"], `${c.physicalType} has a scale above its precision`, "DECIMAL(p,s) with s <= p");
          }
          if (c.primaryKey === true && c.required !== true) {
            report(m, at, `primary-key column "${c.name}" is not required`, "required: true on primary-key columns");
          }
        });
      });
    }
  },
};
