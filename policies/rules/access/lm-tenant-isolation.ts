import type { StackValidationPolicy } from "@pulumi/policy";
import { accessReport, identitiesOf, TENANT_ROLES, viewerName, type VisibilityRow } from "../../../lib/access";
import { bronzeTableName } from "../../../lib/compile/naming";
import { READER_PERSONAS } from "../../../lib/compile/settings";
import { accessView, checkedAtUpdate, identitiesUnknown, domainProps, ruleId } from "../../lib";

export interface TenantIsolationConfig {
  /** Personas that may see personal columns in clear for every tenant. */
  readonly clearAllowed: readonly string[];
  /** Personas that may see personal columns in clear for their own tenant (a tenant principal: by the role tenant_principals maps it with). */
  readonly clearOwnTenantAllowed: readonly string[];
}

/** A violation of one persona x dataset row, or undefined. `granted`: whether the manifest's access lists the persona (undefined: not a reader persona, or not known here). */
function problem(v: VisibilityRow, granted: boolean | undefined, c: TenantIsolationConfig): string | undefined {
  if (v.rows === "none") return undefined;
  const tp = v.tenantPrincipal;
  const who = viewerName(v);
  if (v.tenantData && (v.persona in TENANT_ROLES || tp) && v.rows === "all") return `tenant-scoped ${who} reads every tenant's rows of ${v.dataset}: ${v.how}`;
  if (v.tenantData && v.rows === "every mapped tenant") return `${who} reads ${v.dataset} for every tenant a principal is mapped to, not only while it is mapped to one: ${v.how}`;
  // The API runs one tenant's requests as this principal: any other tenant it is mapped to is a tenant whose rows
  // that tenant's users would get.
  const other = tp?.serves ? [...new Set(tp.mappings.map((m) => m.tenant))].filter((t) => t !== tp.serves) : [];
  if (v.tenantData && other.length > 0) return `${who} serves tenant ${tp!.serves} but reads ${v.dataset} as tenant ${other.join(", ")} (tenant_principals maps it so): ${v.how}`;
  if (granted === false) return `${who} reads ${v.dataset}, which its manifest does not grant it: ${v.how}`;
  // A tenant principal is held to the role tenant_principals maps it with (its roles are persona names).
  const as = tp ? [...new Set(tp.mappings.map((m) => m.role))] : [v.persona];
  const allowed = (list: readonly string[]) => as.length > 0 && as.every((p) => list.includes(p));
  const clear = Object.entries(v.columns).filter(
    ([, x]) => !allowed(c.clearAllowed) && (x === "clear" || x === "clear (every mapped tenant)" || (x === "clear (own tenant)" && !allowed(c.clearOwnTenantAllowed))),
  );
  if (clear.length > 0) return `${who} sees personal columns of ${v.dataset} in clear: ${clear.map(([k, x]) => `${k} (${x})`).join(", ")}`;
  return undefined;
}

/** The access model's persona x dataset table, held to the manifests: no unfiltered tenant read, no clear value beyond what is allowed. */
const ID = ruleId(__filename);

export const policy: StackValidationPolicy = {
  name: ID,
  description:
    "No tenant-scoped persona (client admin, end user, API and BI services) or serving tenant principal reads a tenant table without the tenant row filter or through a group it reveals everything to, " +
    "no tenant principal reads a tenant other than the one the API runs its requests for (as governance.tenant_principals maps it), " +
    "no filter or mask lets a principal mapped to several tenants see each of them (a mapping is honoured only while it names one tenant), " +
    "no reader persona reads a dataset its manifest does not grant it, and personal columns are clear only to GDPR officers (and, for their own tenant, client admins and principals mapped with the role client_admin); " +
    "semantics of row filters, masks and is_account_group_member from https://docs.databricks.com/aws/en/data-governance/unity-catalog/filters-and-masks/ and " +
    "https://docs.databricks.com/aws/en/sql/language-manual/functions/is_account_group_member.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Declare the tenant filter and masks on the table (or its ABAC policies), keep tenant-scoped personas out of the groups the filter and masks reveal to, and grant SELECT only as the manifest's access says.",
  configSchema: {
    properties: {
      clearAllowed: { type: "array", items: { type: "string" }, default: ["gdpr_officer"] },
      clearOwnTenantAllowed: { type: "array", items: { type: "string" }, default: ["client_admin"] },
    },
  },
  validateStack: (args, report) => {
    const c = args.getConfig<TenantIsolationConfig>();
    const view = accessView(args.resources);
    const { resources, unresolved } = view;
    if (identitiesUnknown(view, ID)) return;
    if (!identitiesOf(resources)) return;
    // What each dataset's manifest grants: schema.table -> personas. Raw bronze tables are granted to no persona.
    const access = new Map<string, readonly string[]>();
    for (const d of args.resources.flatMap((x) => (domainProps(x, ID) ? [domainProps(x, ID)!] : []))) {
      for (const ds of d.manifest.spec.datasets) access.set(`${d.schema}.${ds.name}`, ds.access ?? []);
      for (const t of d.manifest.spec.topics ?? []) access.set(`${d.schema}.${bronzeTableName(t.name)}`, []);
    }
    for (const v of accessReport(resources).visibility) {
      const key = v.dataset.split(".").slice(1).join(".");
      const granted = (READER_PERSONAS as readonly string[]).includes(v.persona) && access.has(key) ? access.get(key)!.includes(v.persona) : undefined;
      const p = problem(v, granted, c);
      // At preview an input still unknown (a function, a grant's securable) may be what filters or grants the rows:
      // the update checks those with known values.
      if (p && unresolved.length > 0) checkedAtUpdate(ID, undefined, `${p} (inputs unknown at preview: ${unresolved.slice(0, 3).join(", ")}${unresolved.length > 3 ? ", ..." : ""})`);
      else if (p) report(p);
    }
  },
};
