import { ManifestRule } from "../mesh";
import { isTenantScoped, personalColumns } from "../model";
import { isNumeric } from "../types";
import type { PersonalData } from "../types.gen";

type Category = PersonalData["category"];

/** The type a category's text mask takes and returns: DATE for birth dates, STRING for every other category. */
export function maskType(category: Category): string {
  return category === "date_of_birth" ? "DATE" : "STRING";
}

/** Categories whose values are text by nature: they cannot be numeric columns. */
const TEXT_ONLY: ReadonlySet<Category> = new Set<Category>(["email", "name", "address", "free_text"]);

/**
 * Whether a personal column of `category` may have `physicalType`: the category's text type (maskType), or a
 * numeric type (ids, phone numbers, birth years, money) for the categories whose values can be numbers. Its mask
 * function then takes and returns exactly that type (lib/compile/masks.ts).
 */
export function personalTypeAllowed(category: Category, physicalType: string): boolean {
  return physicalType === maskType(category) || (isNumeric(physicalType) && !TEXT_ONLY.has(category));
}

/** The allowed types of a category, as an error message says them. */
export function personalTypesAllowed(category: Category): string {
  return TEXT_ONLY.has(category) ? maskType(category) : `${maskType(category)} or a numeric type (TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, DECIMAL(p,s))`;
}

export const rule: ManifestRule = {
  id: "personal-data",
  description:
    "Personal columns have a type their category's masks take, are not public, carry no examples, and never sit in a dataset shared by all tenants; a topic that feeds personal columns is marked personalData.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      const spec = m.manifest.spec;
      spec.datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        ds.columns.forEach((c, i) => {
          if (!c.personalData) return;
          const category = c.personalData.category;
          if (!personalTypeAllowed(category, c.physicalType)) {
            report(m, [...at, "columns", i, "physicalType"], `personal column "${c.name}" of category ${category} is ${c.physicalType}`, `physicalType: ${personalTypesAllowed(category)} (a mask of category ${category} takes and returns exactly the column's type)`);
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
