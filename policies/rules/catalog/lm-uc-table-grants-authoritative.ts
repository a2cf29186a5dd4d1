import type { StackValidationPolicy } from "@pulumi/policy";
import { contractsByPath, filesByPath, identitiesOf, R, sqlGrants, workspacePath } from "../../../lib/access";
import { READER_PERSONAS } from "../../../lib/compile/settings";
import { accessResources, ruleId } from "../../lib";

/**
 * Pipeline tables exist only after a pipeline update, so their SELECT grants are statements the domain job runs,
 * not state Pulumi manages: a GRANT stays until a REVOKE runs. The job's SQL must therefore decide, for every
 * principal the platform grants tables to (every reader persona and every other domain of the mesh), GRANT or
 * REVOKE on every table; a principal it says nothing about keeps whatever an earlier version granted it (a removed
 * consumer, a persona taken out of `access`).
 */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description:
    "Each domain job's governance SQL grants or revokes SELECT on every pipeline table of its domain for every reader persona and every other domain's group, so removing a reader revokes it " +
    "(SQL grants are not Pulumi state; https://docs.databricks.com/aws/en/sql/language-manual/security-revoke).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Plan the domain with lakemesh (compileTableGrants revokes from every managed principal that is not a current reader); do not edit governance.sql.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const resources = accessResources(args.resources);
    const ids = identitiesOf(resources);
    if (!ids) return;
    const files = filesByPath(resources);
    const contracts = [...contractsByPath(resources).values()];
    for (const j of resources.filter((r) => r.type === R.Job && r.inputs.tags?.lakemesh_domain)) {
      const domain = String(j.inputs.tags.lakemesh_domain);
      const contract = contracts.find((c) => c.domain === domain);
      if (!contract) continue;
      const managed = [...new Set([...READER_PERSONAS.map((p) => ids.personas[p]), ...Object.entries(ids.domains).filter(([d]) => d !== domain).map(([, x]) => x.group)])];
      const decided = new Set<string>();
      for (const t of j.inputs.tasks ?? []) {
        const path = t.sqlTask?.file?.path;
        const sql = path ? files.get(workspacePath(String(path))) : undefined;
        for (const g of sql ? sqlGrants(sql) : []) if (g.privilege === "SELECT") decided.add(`${g.table}\u0000${g.principal}`);
      }
      for (const d of contract.datasets) {
        const open = managed.filter((p) => !decided.has(`${d.table}\u0000${p}`));
        if (open.length > 0) report(`${domain}'s job neither grants nor revokes SELECT on ${d.table} for ${open.join(", ")}: a reader removed from the manifests would keep its grant`, j.urn);
      }
    }
  },
};
