import { ManifestRule } from "../mesh";
import { isTenantScoped, personalColumns } from "../model";
import type { PersonalData } from "../types.gen";

/** The column type each category's mask function takes and returns. */
export function maskType(category: PersonalData["category"]): string {
  return category === "date_of_birth" ? "DATE" : "STRING";
}

export const rule: ManifestRule = {
  id: "personal-data",
  description:
    "Personal columns have the type their category's mask takes, are not public, carry no examples, and never sit in a dataset shared by all tenants; a topic that feeds personal columns is marked personalData.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      const spec = m.manifest.spec;
      spec.datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        ds.columns.forEach((c, i) => {
          if (!c.personalData) return;
          const want = maskType(c.personalData.category);
          if (c.physicalType !== want) {
            report(m, [...at, "columns", i, "physicalType"], `personal column "${c.name}" of category ${c.personalData.category} is ${c.physicalType}`, `physicalType: ${want} (the type governance.mask_${c.personalData.category} takes)`);
          }
          if (c.examples !== undefined) {
            report(m, [...at, "columns", i, "examples"], `personal column "${c.name}" has examples`, "no examples on personal columns: a manifest is not a place for personal data");
          }
          if (c.classification === "public") {
            report(m, [...at, "columns", i, "classification"], `personal column "${c.name}" is classified public`, "internal, confidential or restricted");
          }
        });
        const personal = personalColumns(ds);
        if (!isTenantScoped(ds) && personal.length > 0) {
          report(m, [...at, "tenantScoped"], `dataset "${ds.name}" is shared by all tenants but has personal columns (${personal.map((c) => c.name).join(", ")})`, "personal data only in tenant-scoped datasets (tenantScoped: true)");
        }
        const topicName = ds.source.topic;
        const t = (spec.topics ?? []).findIndex((x) => x.name === topicName);
        if (t >= 0 && personal.length > 0 && !spec.topics![t].personalData) {
          report(m, ["spec", "topics", t, "personalData"], `topic "${topicName}" feeds personal columns of dataset "${ds.name}" but has personalData: false`, "personalData: true (bounded retention and erasure then apply to the topic)");
        }
      });
    }
  },
};
