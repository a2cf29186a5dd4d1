import type { StackValidationPolicy } from "@pulumi/policy";
import { identitiesOf, R } from "../../../lib/access";
import { governanceNames } from "../../../lib/compile/naming";
import { CATEGORIES, type Category } from "../../../lib/compile/platform-names";
import { qualified, qualifiedName } from "../../../lib/sql";
import { accessResources, columnClauses, contractsOf, ruleId, withoutQuoted } from "../../lib";

/**
 * Isolation is declared with the table: no pipeline table is ever readable unfiltered or unmasked. The filter and
 * each mask must be the functions of the stack's own catalog (its governance schema), named exactly: a function of
 * the same name in another catalog or schema is code the platform never reviewed, and may let every row through.
 */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description:
    "In every pipeline contract, each table with a tenant key carries the tenant row filter, and each personal column its category's mask, both the functions of the stack's own catalog's governance schema " +
    "(catalog, schema and name compared exactly, never a name suffix); tables live in that catalog, and ABAC policies use only its governance functions.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Plan the domain with lakemesh (which declares ROW FILTER and MASK with the platform's functions in the pipeline definition); do not edit contract.json or point a stack at another platform.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const resources = accessResources(args.resources);
    const catalog = identitiesOf(resources)?.catalog;
    if (!catalog) {
      report("the plan declares no identities (lakemesh:access:Identities) with the stack's catalog: no filter or mask function can be checked against it");
      return;
    }
    const g = governanceNames(catalog);
    const functions = new Set([g.tenantFilter, ...CATEGORIES.map((c) => g.mask(c))]);
    for (const { resource, contract } of contractsOf(args.resources)) {
      if (contract.catalog !== catalog) report(`${contract.domain}'s contract puts its tables in catalog ${contract.catalog}, not the stack's catalog ${catalog}`, resource.urn);
      for (const ds of contract.datasets) {
        if (ds.tenantKey) {
          const want = `ROW FILTER ${qualifiedName(g.tenantFilter)} ON (${qualified(ds.tenantKey)})`;
          if (ds.rowFilter !== want) {
            report(`${ds.table} has tenant key ${ds.tenantKey} but ${ds.rowFilter ? `the row filter ${JSON.stringify(ds.rowFilter)}` : "no row filter"}; the stack's tenant filter is ${want}`, resource.urn);
          }
        }
        const clauses = columnClauses(ds.schema);
        for (const c of ds.columns.filter((x) => x.personalData)) {
          const mask = ` MASK ${qualifiedName(g.mask(c.personalData!.category as Category))}${ds.tenantKey ? ` USING COLUMNS (${qualified(ds.tenantKey)})` : ""}`;
          const clause = withoutQuoted(clauses.get(c.name) ?? "");
          if (!clause.endsWith(mask)) {
            const found = / MASK (.*)$/.exec(clause)?.[1];
            report(`${ds.table}.${c.name} holds personal data (${c.personalData!.category}) but ${found ? `is masked by ${found}` : "has no mask"}; the stack's mask is${mask}`, resource.urn);
          }
        }
      }
    }
    // Catalog-level ABAC policies (lakemesh:abac) must also use the stack's own functions, on the stack's catalog.
    for (const r of resources.filter((x) => x.type === R.PolicyInfo)) {
      const fn = String(r.inputs.rowFilter?.functionName ?? r.inputs.columnMask?.functionName ?? "");
      if (r.inputs.onSecurableFullname !== catalog || !functions.has(fn)) {
        report(`ABAC policy ${r.inputs.name} on ${r.inputs.onSecurableFullname} uses function ${fn}; only the governance functions of the stack's catalog ${catalog}, on that catalog`, r.urn);
      }
    }
  },
};
