import { ManifestRule } from "../mesh";
import { DEFAULT_TENANT_KEY, findColumn, isTenantScoped } from "../model";

export const rule: ManifestRule = {
  id: "tenant-key",
  description:
    "A tenant-scoped dataset has the platform's tenant column (tenantKey may only name it), typed STRING and required; a dataset that has that column cannot opt out with tenantScoped: false.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        if (!isTenantScoped(ds)) {
          if (ds.tenantKey !== undefined) {
            report(m, [...at, "tenantKey"], "tenantKey is set on a dataset with tenantScoped: false", "remove tenantKey, or make the dataset tenant-scoped");
          }
          // Without this, tenantScoped: false drops the row filter from a table that holds every tenant's rows.
          const index = ds.columns.findIndex((c) => c.name === DEFAULT_TENANT_KEY);
          if (index >= 0) {
            report(
              m,
              [...at, "tenantScoped"],
              `dataset "${ds.name}" has the tenant column "${DEFAULT_TENANT_KEY}" (columns[${index}]) but says tenantScoped: false, which would drop its row filter`,
              `tenantScoped: true (the default); only reference data without a ${DEFAULT_TENANT_KEY} column is shared by all tenants`,
            );
          }
          return;
        }
        if (ds.tenantKey !== undefined && ds.tenantKey !== DEFAULT_TENANT_KEY) {
          report(
            m,
            [...at, "tenantKey"],
            `tenantKey "${ds.tenantKey}" is not the platform's tenant column`,
            `tenantKey: ${DEFAULT_TENANT_KEY}, or no tenantKey (the row filter, the bronze tables and tenant_principals all key on ${DEFAULT_TENANT_KEY})`,
          );
          return;
        }
        const key = DEFAULT_TENANT_KEY;
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
