import type { ResourceValidationPolicy } from "@pulumi/policy";
import { domainProps, ruleId, where } from "../../lib";

const ID = ruleId(__filename);

/** Partitioning by tenant makes tiny files at thousands of tenants; liquid clustering is the default. */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "A dataset partitioned by its tenant key states why (liquid clustering by tenant is the default).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Remove partitionBy and rely on clusterBy (the tenant key is clustered first), or give partitionBy.reason.",
  configSchema: { properties: { minReasonLength: { type: "integer", minimum: 1, default: 20 } } },
  validateResource: (args, report) => {
    const d = domainProps(args, ID);
    if (!d) return;
    const { minReasonLength } = args.getConfig<{ minReasonLength: number }>();
    d.manifest.spec.datasets.forEach((ds, i) => {
      const key = ds.tenantScoped === false ? undefined : ds.tenantKey ?? "tenant_id";
      if (!key || !ds.partitionBy?.columns.includes(key)) return;
      const reason = ds.partitionBy.reason?.trim() ?? "";
      if (reason.length < minReasonLength) {
        report(`${where(d, ["spec", "datasets", i, "partitionBy"])}: dataset ${d.manifest.metadata.name}.${ds.name} is partitioned by tenant key ${key} without a reason of at least ${minReasonLength} characters`);
      }
    });
  },
};
