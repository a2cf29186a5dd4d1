import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, known, recipesOf, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

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
  name: ID,
  description: "DataHub recipes reference credentials as ${ENV} variables, and ingestion jobs take token variables from secrets.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Write token: ${DATABRICKS_TOKEN} in the recipe and set the variable from a secretKeyRef in the CronJob.",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    if (args.type === T.ConfigMap) {
      for (const { file, recipe, error } of recipesOf(args.props, ID, args.urn)) {
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
      type Container = { name: string; env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: unknown } }[] };
      const containers = known(() => [...((args.props.spec?.jobTemplate?.spec?.template?.spec?.containers ?? []) as Container[])]);
      if (containers === UNKNOWN) return checkedAtUpdate(ID, args.urn, "the CronJob's containers");
      for (const c of containers) {
        const env = known(() => [...(c.env ?? [])]);
        if (env === UNKNOWN) {
          checkedAtUpdate(ID, args.urn, "a container's environment");
          continue;
        }
        for (const e of env) {
          const bad = known(() => /(TOKEN|PASSWORD|SECRET)$/.test(e.name) && !e.valueFrom?.secretKeyRef);
          if (bad === UNKNOWN) checkedAtUpdate(ID, args.urn, "an environment variable of the ingestion container");
          else if (bad) report(`container ${c.name}: ${e.name} is not taken from a secret`);
        }
      }
    }
  },
};
