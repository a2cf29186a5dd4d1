import type { StackValidationPolicy } from "@pulumi/policy";
import { columnClauses, contractsOf, ruleId, withoutQuoted } from "../../lib";

const ID = ruleId(__filename);

/** Isolation is declared with the table: no pipeline table is ever readable unfiltered or unmasked. */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "In every pipeline contract, each table with a tenant key carries the tenant row filter, and each personal column a mask.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Plan the domain with lakemesh (which declares ROW FILTER and MASK in the pipeline definition); do not edit contract.json.",
  configSchema: { properties: { tenantFilterSuffix: { type: "string", default: ".governance.tenant_filter" } } },
  validateStack: (args, report) => {
    const { tenantFilterSuffix } = args.getConfig<{ tenantFilterSuffix: string }>();
    const fn = tenantFilterSuffix.split(".").filter(Boolean).map((p) => "`" + p + "`").join(".");
    for (const { resource, contract } of contractsOf(args.resources, ID)) {
      for (const ds of contract.datasets) {
        if (ds.tenantKey) {
          const ok = typeof ds.rowFilter === "string" && ds.rowFilter.startsWith("ROW FILTER ") && ds.rowFilter.includes(`.${fn} ON (\`${ds.tenantKey}\`)`);
          if (!ok) report(`${ds.table} has tenant key ${ds.tenantKey} but no tenant row filter`, resource.urn);
        }
        const clauses = columnClauses(ds.schema);
        for (const c of ds.columns.filter((x) => x.personalData)) {
          const clause = withoutQuoted(clauses.get(c.name) ?? "");
          if (!/ MASK `[a-z0-9_]+`\.`[a-z0-9_]+`\.`mask_[a-z_]+`( USING COLUMNS \(`[a-z0-9_]+`\))?$/.test(clause)) {
            report(`${ds.table}.${c.name} holds personal data (${c.personalData!.category}) but has no mask`, resource.urn);
          }
        }
      }
    }
  },
};
