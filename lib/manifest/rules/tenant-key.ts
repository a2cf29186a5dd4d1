import { ManifestRule } from "../mesh";
import { DEFAULT_TENANT_KEY, findColumn, isTenantScoped } from "../model";

export const rule: ManifestRule = {
  id: "tenant-key",
  description: "A tenant-scoped dataset has its tenant key column, typed STRING and required.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        if (!isTenantScoped(ds)) {
          if (ds.tenantKey !== undefined) {
            report(m, [...at, "tenantKey"], "tenantKey is set on a dataset with tenantScoped: false", "remove tenantKey, or make the dataset tenant-scoped");
          }
          return;
        }
        const key = ds.tenantKey ?? DEFAULT_TENANT_KEY;
        const index = ds.columns.findIndex((c) => c.name === key);
        const col = findColumn(ds, key);
        if (!col) {
          report(
            m,
            ds.tenantKey !== undefined ? [...at, "tenantKey"] : [...at, "columns"],
            `tenant key column "${key}" is not among the dataset's columns`,
            `a column {name: ${key}, physicalType: STRING, required: true}, or tenantScoped: false for data shared by all tenants`,
          );
          return;
        }
        if (col.physicalType !== "STRING") {
          report(m, [...at, "columns", index, "physicalType"], `tenant key column "${key}" is ${col.physicalType}`, "physicalType: STRING");
        }
        if (col.required !== true) {
          report(m, [...at, "columns", index], `tenant key column "${key}" is not required`, "required: true (tenant tables are tenant_id STRING NOT NULL)");
        }
        if (col.personalData) {
          report(m, [...at, "columns", index, "personalData"], `tenant key column "${key}" is marked as personal data`, "a tenant key that identifies a customer organisation, not a person");
        }
      });
    }
  },
};
