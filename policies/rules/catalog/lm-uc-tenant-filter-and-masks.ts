import type { StackValidationPolicy } from "@pulumi/policy";
import { identitiesOf, R } from "../../../lib/access";
import { maskKey } from "../../../lib/compile/masks";
import { governanceNames } from "../../../lib/compile/naming";
import type { Category } from "../../../lib/compile/platform-names";
import { qualified, qualifiedName } from "../../../lib/sql";
import { accessResources, columnClauses, contractsOf, identitiesLeftOut, inThisUpdate, ruleId, withoutQuoted } from "../../lib";

const ID = ruleId(__filename);

/**
 * Isolation is declared with the table: no pipeline table is ever readable unfiltered or unmasked. The filter and
 * each mask must be the functions of the stack's own catalog (its governance schema), named exactly: a function of
 * the same name in another catalog or schema is code the platform never reviewed, and may let every row through.
 * Each mask takes and returns exactly its column's type: Databricks casts a mask's result back to the column's type
 * and fails the query when it cannot (lib/compile/masks.ts).
 */
export const policy: StackValidationPolicy = {
  name: ID,
  description:
    "In every pipeline contract, each table with a tenant key carries the tenant row filter (the legal-hold filter on tenant and subject key when its dataset declares a legal hold), and each personal column a mask of exactly its type, both the functions of the stack's own catalog's governance schema " +
    "(catalog, schema and name compared exactly, never a name suffix); tables live in that catalog, and ABAC policies use only its governance functions.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Plan the domain with lakemesh (which declares ROW FILTER and MASK with the platform's functions in the pipeline definition); do not edit contract.json or point a stack at another platform.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const resources = accessResources(args.resources);
    const catalog = identitiesOf(resources)?.catalog;
    if (!catalog) {
      if (identitiesLeftOut(args.resources)) {
        // A targeted update without the identities: only the contracts and ABAC policies it deploys need the catalog.
        const kept = inThisUpdate(args.resources);
        const covered = [...contractsOf(kept, ID).map((c) => c.resource), ...kept.filter((x) => x.type === R.PolicyInfo)];
        for (const r of covered) report(`this targeted update deploys ${r.name} but leaves out the stack's identities (lakemesh:access:Identities) and so its catalog: target them too, so its filter and masks can be checked`, r.urn);
        return;
      }
      report("the plan declares no identities (lakemesh:access:Identities) with the stack's catalog: no filter or mask function can be checked against it");
      return;
    }
    const g = governanceNames(catalog);
    // A mask of the stack's own governance schema, as declared: `catalog`.`governance`.`mask_<key>`.
    const ownMask = `${qualifiedName(g.schema)}.\`mask_`;
    for (const { resource, contract } of contractsOf(args.resources, ID)) {
      if (contract.catalog !== catalog) report(`${contract.domain}'s contract puts its tables in catalog ${contract.catalog}, not the stack's catalog ${catalog}`, resource.urn);
      for (const ds of contract.datasets) {
        if (ds.tenantKey) {
          // A dataset under a legal hold takes the held filter, which also hides restricted rows (issue 14 item 4):
          // with the plain tenant filter every reader of the table would see the rows an erasure restricted.
          const held = ds.legalHold && ds.subjectKey;
          const want = held
            ? `ROW FILTER ${qualifiedName(g.tenantFilterHeld)} ON (${qualified(ds.tenantKey)}, ${qualified(ds.subjectKey!)})`
            : `ROW FILTER ${qualifiedName(g.tenantFilter)} ON (${qualified(ds.tenantKey)})`;
          if (ds.rowFilter !== want) {
            report(`${ds.table} has tenant key ${ds.tenantKey} but ${ds.rowFilter ? `the row filter ${JSON.stringify(ds.rowFilter)}` : "no row filter"}; the stack's ${held ? "legal-hold" : "tenant"} filter is ${want}`, resource.urn);
          }
        }
        const clauses = columnClauses(ds.schema);
        for (const c of ds.columns.filter((x) => x.personalData)) {
          const key = maskKey(c.personalData!.category as Category, c.type);
          const using = ds.tenantKey ? ` USING COLUMNS (${qualified(ds.tenantKey)})` : "";
          const mask = ` MASK ${qualifiedName(g.mask(key))}${using}`;
          const clause = withoutQuoted(clauses.get(c.name) ?? "");
          if (clause.endsWith(mask)) continue;
          const found = / MASK (.*)$/.exec(clause)?.[1];
          const foundKey = found?.startsWith(ownMask) ? found.slice(ownMask.length).split("`")[0] : undefined;
          if (foundKey !== undefined && foundKey !== key) report(`${ds.table}.${c.name} is ${c.type} but its mask is mask_${foundKey}; mask_${key} takes and returns ${c.type}`, resource.urn);
          else report(`${ds.table}.${c.name} holds personal data (${c.personalData!.category}) but ${found ? `is masked by ${found}` : "has no mask"}; the stack's mask is${mask}`, resource.urn);
        }
      }
    }
    // Catalog-level ABAC policies (refused by settings, lakemesh:abac) must also use the stack's own functions.
    const ownFunction = (fn: string) => fn === g.tenantFilter || fn === g.tenantFilterHeld || fn.startsWith(g.mask(""));
    for (const r of resources.filter((x) => x.type === R.PolicyInfo)) {
      const fn = String(r.inputs.rowFilter?.functionName ?? r.inputs.columnMask?.functionName ?? "");
      if (r.inputs.onSecurableFullname !== catalog || !ownFunction(fn)) {
        report(`ABAC policy ${r.inputs.name} on ${r.inputs.onSecurableFullname} uses function ${fn}; only the governance functions of the stack's catalog ${catalog}, on that catalog`, r.urn);
      }
    }
  },
};
