import type { StackValidationPolicy } from "@pulumi/policy";
import { accessReport, identitiesOf } from "../../../lib/access";
import { accessView, checkedAtUpdate, identitiesLeftOut, identitiesUnknown, inThisUpdate, ruleId } from "../../lib";

const ID = ruleId(__filename);

/**
 * The access model's workload x action table (lib/access) must have no missing privilege: what each workload does
 * is read from what it runs, what it holds from what the plan grants (and the listed prerequisites).
 */
export const policy: StackValidationPolicy = {
  name: ID,
  description:
    "Every workload (pipelines, domain jobs, GDPR jobs, DataHub, the deployer) holds each privilege its actions need, counting Unity Catalog inheritance and ownership " +
    "(https://docs.databricks.com/aws/en/data-governance/unity-catalog/manage-privileges/), pipeline, job, warehouse, folder and secret ACLs " +
    "(https://docs.databricks.com/aws/en/security/auth/access-control, https://docs.databricks.com/aws/en/ldp/privileges), ASSIGN on governed tags " +
    "(https://docs.databricks.com/aws/en/admin/governed-tags/manage-permissions), the Service Principal User role for run-as " +
    "(https://docs.databricks.com/aws/en/security/auth/access-control/service-principal-acl) and membership of the groups filters and masks reveal to " +
    "(https://docs.databricks.com/aws/en/data-governance/unity-catalog/abac/requirements).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Grant the missing privilege where the platform or the domain grants (lib/compile), put the principal in the group the filter and masks reveal to (lakemesh:databricks.*ServicePrincipal settings), or list it as a prerequisite that lakemesh preflight checks (lib/access/prerequisites.ts).",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const view = accessView(args.resources);
    const { resources, unresolved } = view;
    if (identitiesUnknown(view, ID)) return;
    if (!identitiesOf(resources)) {
      if (identitiesLeftOut(args.resources)) {
        // A targeted update without the identities: only the workloads it deploys need them to be checked.
        const deployed = accessReport(accessView(inThisUpdate(args.resources)).resources).actions;
        if (deployed.length === 0) return;
        const names = [...new Set(deployed.map((a) => a.workload))];
        report(`this targeted update deploys what workloads need privileges for (${names.slice(0, 3).join(", ")}${names.length > 3 ? ", ..." : ""}) but leaves out the stack's identities (lakemesh:access:Identities): target them too, so the privileges can be checked`);
        return;
      }
      report("the plan declares no identities (lakemesh:access:Identities): nothing says which principal runs what");
      return;
    }
    // At preview, a privilege that looks missing may be granted through an input still unknown: those are left to
    // the update (it runs this rule on known values); with every input known, a missing privilege is reported.
    const why = unresolved.length > 0 ? ` (inputs unknown at preview: ${unresolved.slice(0, 3).join(", ")}${unresolved.length > 3 ? ", ..." : ""})` : "";
    for (const a of accessReport(resources).actions) {
      if (a.held) continue;
      if (why) checkedAtUpdate(ID, a.resource, `whether ${a.workload} (${a.principal}) can ${a.action}${why}`);
      else report(`${a.workload} (${a.principal}) cannot ${a.action}: missing ${a.missing.join("; ")}`, a.resource);
    }
  },
};
