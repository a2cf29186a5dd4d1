import type { ResourceValidationPolicy } from "@pulumi/policy";
import { GDPR_SETTINGS_FILE } from "../../../lib/compile/gdpr-jobs";
import { checkedAtUpdate, known, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

const REFERENCE = "{{secrets/";

/** Where Databricks substitutes a reference: a classic job cluster's spark.* properties and environment variables. */
const SUBSTITUTED = /^(jobClusters\[\d+\]\.newCluster|tasks\[\d+\]\.newCluster)\.(sparkConf\.spark\..+|sparkEnvVars\..+)$/;

/** Every string in a value, with its path (a.b[0].c); unknown parts as UNKNOWN. */
function strings(v: unknown, path: string, out: [string, unknown][]): [string, unknown][] {
  const value = known(() => v);
  if (value === UNKNOWN) out.push([path, UNKNOWN]);
  else if (typeof value === "string") out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((x, i) => strings(x, `${path}[${i}]`, out));
  else if (value && typeof value === "object") for (const [k, x] of Object.entries(value)) strings(x, path ? `${path}.${k}` : k, out);
  return out;
}

/**
 * A `{{secrets/scope/key}}` reference is substituted only in compute Spark properties named spark.* and in
 * environment variables (https://docs.databricks.com/aws/en/security/secrets/secrets-spark-conf-env-var); a job's
 * parameters, task parameters and a workspace file are plain text, so a job would read the reference itself (for the
 * subject salt: a salt that matches no erased subject). The GDPR jobs name the salt's scope and key in their settings
 * file and read it with dbutils.secrets.get (https://docs.databricks.com/aws/en/security/secrets/).
 */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "A job's settings (parameters, tasks) and the GDPR jobs' settings file hold no {{secrets/...}} reference, which Databricks substitutes only in a cluster's spark.* properties and environment variables; they name the secret's scope and key.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Name the secret's scope and key (the GDPR settings file's salt_secret_scope and salt_secret_key) and read it in code with dbutils.secrets.get.",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    let values: [string, unknown][];
    let what: string;
    if (args.type === T.Job) {
      values = strings(args.props, "", []);
      what = `job ${known(() => args.props.name) === UNKNOWN ? args.name : args.props.name}`;
    } else if (args.type === T.WorkspaceFile) {
      const path = known(() => args.props.path);
      if (path === UNKNOWN) return checkedAtUpdate(ID, args.urn, "whether this workspace file is the GDPR settings file (its path is unknown)");
      if (typeof path !== "string" || !path.endsWith(`/${GDPR_SETTINGS_FILE}`)) return;
      const b64 = known(() => args.props.contentBase64);
      if (b64 === UNKNOWN) return checkedAtUpdate(ID, args.urn, `the GDPR settings file ${path}`);
      values = [["content", typeof b64 === "string" ? Buffer.from(b64, "base64").toString("utf8") : ""]];
      what = `GDPR settings file ${path}`;
    } else return;
    for (const [path, v] of values) {
      if (v === UNKNOWN) {
        checkedAtUpdate(ID, args.urn, `${what}: ${path}`);
        continue;
      }
      if (typeof v === "string" && v.includes(REFERENCE) && !SUBSTITUTED.test(path)) {
        report(`${what}: ${path} holds a {{secrets/...}} reference, which Databricks does not resolve there; name the scope and key and read the secret in code`);
      }
    }
  },
};
