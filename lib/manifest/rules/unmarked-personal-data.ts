import { classifyColumn, type Finding } from "../../classify";
import { quote } from "../errors";
import { ManifestRule } from "../mesh";

function why(f: Finding): string {
  if (f.by === "name") return "by its name";
  if (f.by === "description") return `its description says ${quote(f.evidence)}`;
  return f.evidence;
}

/**
 * A manifest is the only thing between a careless pull request and clear-text personal data: a column that looks
 * personal (lib/classify: its name, description, type and example values) must say what it is, either personalData
 * with its category, or personalData: false with the reason it is not personal.
 */
export const rule: ManifestRule = {
  id: "unmarked-personal-data",
  description:
    "A column that looks like personal data (name, description, type, example values) has personalData, or personalData: false with a reason; a reason comes only with personalData: false.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        ds.columns.forEach((c, i) => {
          const at = ["spec", "datasets", d, "columns", i];
          if (c.personalData === false) {
            if (c.reason === undefined) report(m, [...at, "personalData"], `column "${c.name}" says personalData: false without a reason`, "reason: why the column holds no personal data (10 to 500 characters), shown in review, plan.md and DataHub");
            return;
          }
          if (c.reason !== undefined) {
            report(m, [...at, "reason"], `column "${c.name}" has a reason but ${c.personalData ? "is marked personal" : "no personalData: false"}`, "reason only together with personalData: false", "key");
          }
          if (c.personalData) return;
          const f = classifyColumn(c);
          if (f) {
            report(
              m,
              [...at, "name"],
              `column "${c.name}" looks like personal data (${f.category}: ${why(f)}) but has no personalData`,
              `personalData: {category: ${f.category}, erasure, legalBasis, purpose}; or, if it holds no personal data, personalData: false with a reason`,
            );
          }
        });
      });
    }
  },
};
