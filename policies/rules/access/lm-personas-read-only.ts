import type { StackValidationPolicy } from "@pulumi/policy";
import { accessReport, identitiesOf, viewerName } from "../../../lib/access";
import { accessResources, ruleId } from "../../lib";

export interface PersonasReadOnlyConfig {
  /** Personas that may change rows of datasets and governance tables (by hand). */
  readonly writersAllowed: readonly string[];
  /** Personas that may add rows to append-only tables only (the serving API files GDPR requests into its intake table). */
  readonly appendersAllowed: readonly string[];
  /** Personas that may file GDPR requests into the request inbox (governance.gdpr_request_inbox), and no other table. */
  readonly filersAllowed: readonly string[];
}

/** The GDPR request inbox: filers insert a request, the GDPR job principal reads and deletes it (lib/compile/naming.ts). */
const INBOX = /\.governance\.gdpr_request_inbox$/;

/**
 * People read; workloads write. MODIFY on a table lets its holder insert, update and delete rows, and no row filter
 * or mask applies to a write; GDPR erasure and retention change data as the GDPR jobs' own service principal, so no
 * persona group (GDPR officers included) needs it. The one exception is a service persona adding rows to an append-only
 * table (the serving API's GDPR intake table), where MODIFY cannot update or delete; a serving tenant principal is
 * held to the same, through the persona groups it is in. The other is the GDPR request inbox, which whoever files
 * requests (GDPR officers, the serving API) must write: those personas may write it, and no one else. Read from the
 * access model's persona x dataset table.
 */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description:
    "No persona group but platform admins holds MODIFY on a dataset or governance table (counting USE CATALOG, USE SCHEMA and inheritance, https://docs.databricks.com/aws/en/data-governance/unity-catalog/manage-privileges/privileges): " +
    "erasure and retention change data as the GDPR jobs' service principal, never as the GDPR officers' group; the serving API may only add rows to append-only tables (delta.appendOnly, https://docs.databricks.com/aws/en/delta/table-properties); only the request filers (gdpr_officer, api_service) write the GDPR request inbox.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Grant MODIFY to the workload principal that writes (lakemesh:databricks.gdprServicePrincipal, a domain's principal), not to a persona group; officers get SELECT.",
  configSchema: { properties: { writersAllowed: { type: "array", items: { type: "string" }, default: ["platform_admin"] }, appendersAllowed: { type: "array", items: { type: "string" }, default: ["api_service"] }, filersAllowed: { type: "array", items: { type: "string" }, default: ["api_service", "gdpr_officer"] } } },
  validateStack: (args, report) => {
    const { writersAllowed, appendersAllowed, filersAllowed } = args.getConfig<PersonasReadOnlyConfig>();
    const resources = accessResources(args.resources);
    if (!identitiesOf(resources)) return;
    const by = new Map<string, { name: string; tables: string[]; via: Set<string> }>();
    for (const v of accessReport(resources).visibility) {
      // A serving tenant principal holds what its persona groups hold: it may append where one of them may, and
      // never writes as a writer persona (a tenant principal in the platform admins' group is itself the problem).
      const personas = v.tenantPrincipal ? v.tenantPrincipal.personas : [v.persona];
      if (!v.modify || (!v.tenantPrincipal && writersAllowed.includes(v.persona)) || (v.appendOnly && personas.some((p) => appendersAllowed.includes(p)))) continue;
      if (INBOX.test(v.dataset) && personas.some((p) => filersAllowed.includes(p))) continue;
      const e = by.get(v.persona) ?? { name: viewerName(v), tables: [], via: new Set<string>() };
      e.tables.push(v.dataset);
      e.via.add(v.modify);
      by.set(v.persona, e);
    }
    for (const e of by.values()) {
      const shown = e.tables.length > 3 ? `${e.tables.slice(0, 3).join(", ")} and ${e.tables.length - 3} more` : e.tables.join(", ");
      report(`${e.name} can change rows (MODIFY) of ${e.tables.length} table(s): ${shown}; via ${[...e.via].sort().join("; ")}`);
    }
  },
};
