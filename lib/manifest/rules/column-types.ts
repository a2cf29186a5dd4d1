import { ManifestRule } from "../mesh";
import { decimalParts, impliedLogicalType, typeFamily } from "../types";

function exampleFits(physicalType: string, v: string | number | boolean): boolean {
  const f = typeFamily(physicalType);
  if (f === "integer") return typeof v === "number" && Number.isInteger(v);
  if (f === "number") return typeof v === "number";
  if (f === "boolean") return typeof v === "boolean";
  return typeof v === "string";
}

export const rule: ManifestRule = {
  id: "column-types",
  description: "logicalType agrees with physicalType, DECIMAL scale fits its precision, primary-key columns are required, and examples have the column's type.",
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
          (c.examples ?? []).forEach((v, k) => {
            if (!exampleFits(c.physicalType, v)) report(m, [...at, "examples", k], `example ${JSON.stringify(v)} does not fit ${c.physicalType}`, "numbers for numeric columns, true or false for BOOLEAN, strings otherwise");
          });
        });
      });
    }
  },
};
