import { unsafeTextProblem } from "../../text";
import { ManifestRule } from "../mesh";
import type { FieldPath } from "../paths";

/**
 * Titles, descriptions, purposes, reasons and owner contacts become SQL comments (COMMENT clauses of the pipeline's tables and
 * columns), Unity Catalog and DataHub text, and lines in terminals and CI logs.
 */
export const rule: ManifestRule = {
  id: "free-text",
  description:
    "Titles, descriptions, purposes, reasons and owner contacts hold no '${' or '{{' (variable and secret substitution), no bidirectional controls, no lone surrogates and no control characters but tab and line feed.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      const check = (path: FieldPath, text: string | undefined) => {
        if (text === undefined) return;
        const problem = unsafeTextProblem(text);
        if (problem) report(m, path, `text ${problem}`, "plain text: no '${', '{{', bidirectional controls, lone surrogates or control characters other than tab and line feed");
      };
      const { metadata, spec } = m.manifest;
      check(["metadata", "title"], metadata.title);
      check(["metadata", "description"], metadata.description);
      // An e-mail address may legally hold '$', '{' and '}'; owner contacts become schema properties and recipients.
      check(["metadata", "owner", "contact"], metadata.owner.contact);
      (spec.topics ?? []).forEach((t, i) => check(["spec", "topics", i, "description"], t.description));
      (spec.consumers ?? []).forEach((c, i) => check(["spec", "consumers", i, "purpose"], c.purpose));
      spec.datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        check([...at, "description"], ds.description);
        check([...at, "owner", "contact"], ds.owner?.contact);
        check([...at, "partitionBy", "reason"], ds.partitionBy?.reason);
        ds.columns.forEach((c, i) => {
          check([...at, "columns", i, "description"], c.description);
          check([...at, "columns", i, "personalData", "purpose"], c.personalData ? c.personalData.purpose : undefined);
          if (c.personalData === false) check([...at, "columns", i, "reason"], c.reason);
        });
      });
    }
  },
};
