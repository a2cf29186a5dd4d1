import type { ResourceValidationPolicy } from "@pulumi/policy";
import { domainProps, ruleId, where } from "../../lib";

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
    d.manifest.spec.datasets.forEach((ds, i) => {
      if (ds.tenantScoped === false) return;
      const key = ds.tenantKey ?? "tenant_id";
      const j = ds.columns.findIndex((c) => c.name === key);
      const col = ds.columns[j];
      if (!col || col.physicalType !== "STRING" || col.required !== true) {
        report(`${where(d, j >= 0 ? ["spec", "datasets", i, "columns", j] : ["spec", "datasets", i])}: tenant dataset ${d.manifest.metadata.name}.${ds.name} has no required STRING tenant key column ${key}`);
      }
    });
  },
};
