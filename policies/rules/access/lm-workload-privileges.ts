import type { StackValidationPolicy } from "@pulumi/policy";
import { accessReport, identitiesOf } from "../../../lib/access";
import { accessResources, ruleId } from "../../lib";

/**
 * The access model's workload x action table (lib/access) must have no missing privilege: what each workload does
 * is read from what it runs, what it holds from what the plan grants (and the listed prerequisites).
 */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
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
    const resources = accessResources(args.resources);
    if (!identitiesOf(resources)) {
      report("the plan declares no identities (lakemesh:access:Identities): nothing says which principal runs what");
      return;
    }
    for (const a of accessReport(resources).actions) {
      if (!a.held) report(`${a.workload} (${a.principal}) cannot ${a.action}: missing ${a.missing.join("; ")}`, a.resource);
    }
  },
};
