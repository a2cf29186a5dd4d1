import { ManifestRule } from "../mesh";
import { findColumn, isPersonal, primaryKeyColumns, refDomain, tenantKeyOf } from "../model";
import { typeFamily } from "../types";

/** Types a change-data sequence can be: ordered, never NULL (the column is required), never personal. */
const ORDERED_FAMILIES = new Set(["timestamp", "date", "integer"]);
const ALLOWED = "a required TIMESTAMP, TIMESTAMP_NTZ, DATE or integer column that grows with every change of a row (e.g. updated_at or a version number), not personal data and not part of the key";

export const rule: ManifestRule = {
  id: "sequence-by",
  description: "A silver dataset with a primary key declares sequenceBy: a required, ordered column that is neither personal data nor part of the key; sequenceBy and scdType only on keyed silver datasets.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        const pk = primaryKeyColumns(ds);
        if (ds.layer !== "silver") {
          for (const f of ["sequenceBy", "scdType"] as const) {
            if (ds[f] !== undefined) report(m, [...at, f], `${f} on ${ds.layer} dataset "${ds.name}"`, "sequenceBy and scdType only on silver datasets; gold is recomputed from its sources");
          }
          // Gold reads the current version of a history-keeping source; its contract knows only its own domain's.
          (ds.source.datasets ?? []).forEach((r, i) => {
            const owner = refDomain(m.manifest, r);
            if (owner === m.manifest.metadata.name) return;
            const src = ctx.manifests.find((x) => x.manifest.metadata.name === owner)?.manifest.spec.datasets.find((x) => x.name === r.dataset);
            if (src?.scdType === 2) {
              report(m, [...at, "source", "datasets", i], `source "${owner}.${r.dataset}" keeps every version (scdType 2)`, "a dataset of another domain with scdType 1, or a gold dataset of its own domain that reads the current versions");
            }
          });
          return;
        }
        if (pk.length === 0) {
          for (const f of ["sequenceBy", "scdType"] as const) {
            if (ds[f] !== undefined) report(m, [...at, f], `${f} on dataset "${ds.name}", which has no primary key`, "primaryKey: true on the columns that identify a row, or no sequenceBy and scdType (silver without a key is append-only)");
          }
          return;
        }
        if (ds.sequenceBy === undefined) {
          report(
            m,
            at,
            `dataset "${ds.name}" has a primary key (${pk.join(", ")}) but no sequenceBy: silver keeps the latest row per key and needs the column that orders a row's changes`,
            `sequenceBy: ${ALLOWED}`,
          );
          return;
        }
        const col = findColumn(ds, ds.sequenceBy);
        const where = [...at, "sequenceBy"];
        if (!col) {
          report(m, where, `sequenceBy "${ds.sequenceBy}" is not a column of dataset "${ds.name}"`, ALLOWED);
        } else if (!ORDERED_FAMILIES.has(typeFamily(col.physicalType))) {
          report(m, where, `sequenceBy column "${col.name}" is ${col.physicalType}`, ALLOWED);
        } else if (col.required !== true) {
          // Databricks AUTO CDC fails a micro-batch with a NULL sequence (AUTOCDC_MICROBATCH_VALIDATION.NULL_SEQUENCE).
          report(m, where, `sequenceBy column "${col.name}" is not required`, `required: true on "${col.name}" (events without it are dropped before silver); ${ALLOWED}`);
        } else if (isPersonal(col)) {
          report(m, where, `sequenceBy column "${col.name}" is personal data (${col.personalData.category})`, `${ALLOWED}: scdType 2 copies it unmasked into __START_AT and __END_AT`);
        } else if (pk.includes(col.name) || col.name === tenantKeyOf(ds)) {
          report(m, where, `sequenceBy column "${col.name}" is part of the key`, `${ALLOWED}: a row's key never changes, so it cannot order the row's changes`);
        }
      });
    }
  },
};
