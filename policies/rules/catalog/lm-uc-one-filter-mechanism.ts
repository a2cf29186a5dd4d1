import type { StackValidationPolicy } from "@pulumi/policy";
import { contractsOf, ruleId, T } from "../../lib";

const ID = ruleId(__filename);

/**
 * Unity Catalog applies at most one row filter to a table and one mask to a column for a user. A table that declares
 * its own filter and is also matched by an ABAC row-filter policy fails every query with
 * ROW_LEVEL_SECURITY_FEATURE_NOT_SUPPORTED.MULTIPLE_FILTERS (masks: COLUMN_MASKS_FEATURE_NOT_SUPPORTED.MULTIPLE_MASKS):
 * https://docs.databricks.com/aws/en/error-messages/row-level-security-feature-not-supported-error-class,
 * https://docs.databricks.com/aws/en/error-messages/column-masks-feature-not-supported-error-class.
 * lakemesh declares both in the pipeline definition, so no ABAC filter or mask policy may cover those tables. The
 * governance job tags every table, so a policy on their catalog or schema is taken to match them whatever its
 * conditions say (the strict reading: conditions are evaluated on tags that change at run time).
 */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "A table takes its row filter and masks from one mechanism: no ABAC row-filter or column-mask policy covers a catalog, schema or table whose pipeline tables declare their own.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Remove the PolicyInfo (lakemesh declares the tenant filter and masks in each pipeline table's definition), or attach it to a catalog lakemesh pipelines do not write.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const declared = contractsOf(args.resources, ID).flatMap(({ contract }) =>
      contract.datasets.map((d) => ({ table: d.table, filter: d.rowFilter !== null, masks: d.columns.some((c) => c.mask !== undefined) })),
    );
    for (const r of args.resources.filter((x) => x.type === T.PolicyInfo)) {
      const kind = r.props.policyType === "POLICY_TYPE_ROW_FILTER" ? "filter" : r.props.policyType === "POLICY_TYPE_COLUMN_MASK" ? "masks" : undefined;
      if (!kind) continue;
      const on = String(r.props.onSecurableFullname ?? "");
      const type = String(r.props.onSecurableType ?? "").toUpperCase();
      const covered = declared.filter((d) => d[kind] && (type === "TABLE" ? d.table === on : d.table.startsWith(`${on}.`)));
      if (covered.length === 0) continue;
      const what = kind === "filter" ? "row-filter" : "column-mask";
      const shown = covered.slice(0, 3).map((d) => d.table).join(", ") + (covered.length > 3 ? `, and ${covered.length - 3} more` : "");
      report(`ABAC ${what} policy ${r.props.name} on ${type.toLowerCase()} ${on} covers ${covered.length} table(s) that declare their own ${kind === "filter" ? "row filter" : "masks"} (${shown}); every query on them would fail`, r.urn);
    }
  },
};
