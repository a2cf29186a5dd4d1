import type { ResourceValidationPolicy } from "@pulumi/policy";
import { domainProps, ruleId } from "../../lib";

const ID = ruleId(__filename);

/** A tenant dataset carries its tenant key column, STRING and required. */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "Every tenant-scoped dataset has its tenant key column, typed STRING and required.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Add the tenant key column (default tenant_id, STRING, required: true), or mark the dataset tenantScoped: false if it is shared reference data.",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    const d = domainProps(args, ID);
    if (!d) return;
    for (const ds of d.manifest.spec.datasets) {
      if (ds.tenantScoped === false) continue;
      const key = ds.tenantKey ?? "tenant_id";
      const col = ds.columns.find((c) => c.name === key);
      if (!col || col.physicalType !== "STRING" || col.required !== true) {
        report(`tenant dataset ${d.manifest.metadata.name}.${ds.name} has no required STRING tenant key column ${key}`);
      }
    }
  },
};
