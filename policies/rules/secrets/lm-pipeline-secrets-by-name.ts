import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, known, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/**
 * A `{{secrets/scope/key}}` value is substituted only in compute Spark properties named spark.*
 * (https://docs.databricks.com/aws/en/security/secrets/secrets-spark-conf-env-var); a serverless pipeline has no
 * cluster, and its `configuration` is plain key/value strings, so the pipeline would read the reference text itself.
 * The pipeline configuration names secrets (scope and key) and the code reads them with dbutils.secrets.get.
 */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "A pipeline's configuration names its secrets (scope and key) and never holds a {{secrets/...}} reference, which pipelines do not resolve.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Put the secret scope and key names in the configuration (lakemesh.*.secret_scope, ...) and read the value in code with dbutils.secrets.get.",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    if (args.type !== T.Pipeline) return;
    const values = known((): [string, unknown][] => [
      ...Object.keys((args.props.configuration ?? {}) as Record<string, unknown>).map((k): [string, unknown] => [`configuration.${k}`, known(() => args.props.configuration[k])]),
      ...((args.props.clusters ?? []) as { sparkConf?: Record<string, unknown> }[]).flatMap((c, i) =>
        Object.keys(c.sparkConf ?? {}).map((k): [string, unknown] => [`clusters[${i}].sparkConf.${k}`, known(() => c.sparkConf![k])]),
      ),
    ]);
    if (values === UNKNOWN) return checkedAtUpdate(ID, args.urn, "the pipeline's configuration and clusters");
    for (const [path, v] of values) {
      // A value computed at update (a hash, an id) is checked then.
      if (v === UNKNOWN) {
        checkedAtUpdate(ID, args.urn, path);
        continue;
      }
      // Only spark.* properties of a classic cluster get the substitution.
      if (typeof v === "string" && v.includes("{{secrets/") && !(path.startsWith("clusters[") && /\.sparkConf\.spark\./.test(path))) {
        report(`pipeline ${args.props.name}: ${path} holds a secret reference, which pipelines do not resolve; name the scope and key instead`);
      }
    }
  },
};
