import type { ResourceValidationPolicy } from "@pulumi/policy";
import { recipesOf, ruleId, T } from "../../lib";

const ENV_REF = /^\$\{[A-Z][A-Z0-9_]*\}$/;

function tokens(v: unknown, path: string, out: [string, unknown][]): void {
  if (Array.isArray(v)) v.forEach((x, i) => tokens(x, `${path}[${i}]`, out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) {
    const p = path ? `${path}.${k}` : k;
    if (/(token|password|secret)$/i.test(k)) out.push([p, x]);
    tokens(x, p, out);
  }
}

/** Ingestion recipes name environment variables; the CronJob fills them from a Kubernetes secret. */
export const policy: ResourceValidationPolicy = {
  name: ruleId(__filename),
  description: "DataHub recipes reference credentials as ${ENV} variables, and ingestion jobs take token variables from secrets.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Write token: ${DATABRICKS_TOKEN} in the recipe and set the variable from a secretKeyRef in the CronJob.",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    if (args.type === T.ConfigMap) {
      for (const { file, recipe, error } of recipesOf(args.props)) {
        if (error !== undefined) {
          report(`recipe ${file} is not valid YAML`);
          continue;
        }
        const found: [string, unknown][] = [];
        tokens(recipe, "", found);
        for (const [p, v] of found) if (typeof v !== "string" || !ENV_REF.test(v)) report(`recipe ${file}: ${p} is not an \${ENV} reference`);
      }
    }
    if (args.type === T.CronJob) {
      const containers = (args.props.spec?.jobTemplate?.spec?.template?.spec?.containers ?? []) as { name: string; env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: unknown } }[] }[];
      for (const c of containers) {
        for (const e of c.env ?? []) {
          if (/(TOKEN|PASSWORD|SECRET)$/.test(e.name) && !e.valueFrom?.secretKeyRef) report(`container ${c.name}: ${e.name} is not taken from a secret`);
        }
      }
    }
  },
};
