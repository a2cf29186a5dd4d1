import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isSecretMarker, ruleId, T } from "../../lib";

/** Input names that hold credentials. */
const SENSITIVE = /(password|passphrase|secret|token|apikey|api_key|privatekey|private_key|clientkey|secretkey|credential)s?$/i;
/** Well-known credential formats, wherever they appear. */
const CREDENTIAL_SHAPES: [string, RegExp][] = [
  ["a Databricks token", /\bdapi[0-9a-f]{32}\b/],
  ["an AWS access key", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a GitHub token", /\bgh[pousr]_[A-Za-z0-9]{36}\b/],
  ["a JSON web token", /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
];

function walk(v: unknown, path: string, visit: (path: string, key: string, value: unknown) => void): void {
  if (isSecretMarker(v)) return;
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, visit));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) {
    visit(path ? `${path}.${k}` : k, k, x);
    walk(x, path ? `${path}.${k}` : k, visit);
  }
}

/**
 * Credentials reach resources only as Pulumi secrets. The offline plan keeps secretness, so a sensitive input
 * holding a plain value is caught there. The engine unwraps secrets before JavaScript policies see them, so under
 * `pulumi preview` the rule checks credential formats only (and skips Kubernetes Secret data, which the provider
 * always keeps secret).
 */
export const policy: ResourceValidationPolicy = {
  name: ruleId(__filename),
  description: "No input that looks like a token, password or key holds a plain value: it must be a Pulumi secret.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Set it with `pulumi config set --secret lakemesh:<key>` and read it with config.requireSecret; never write it in a file.",
  configSchema: {
    properties: {
      secretsVisible: { type: "boolean", default: false, description: "Whether inputs still carry secretness (true in lakemesh plan)." },
      allowedPlainKeys: { type: "array", items: { type: "string" }, default: ["secretName", "secretScope", "secretKeyRef", "tokenUrl", "credentialName", "storageCredential", "secretStringTemplate"] },
    },
  },
  validateResource: (args, report) => {
    const { secretsVisible, allowedPlainKeys } = args.getConfig<{ secretsVisible: boolean; allowedPlainKeys: string[] }>();
    const kubeSecretData = args.type === T.K8sSecret;
    walk(args.props, "", (path, key, value) => {
      if (typeof value !== "string" || value === "") return;
      if (kubeSecretData && /^(data|stringData)\./.test(path)) return;
      // The DataHub chart's secureEnv maps a Kafka property to the key of a Kubernetes secret that holds its value.
      if (/(^|\.)credentialsAndCertsSecrets\.secureEnv\./.test(path)) return;
      // ${ENV} (DataHub recipes) and {{secrets/scope/key}} (Databricks) are references, resolved where they run.
      const reference = /^\$\{[A-Z0-9_]+\}$/.test(value) || /^\{\{secrets\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\}\}$/.test(value);
      if (secretsVisible && SENSITIVE.test(key) && !allowedPlainKeys.includes(key) && !reference) {
        report(`input ${path} holds a plain value; make it a Pulumi secret`);
        return;
      }
      for (const [what, re] of CREDENTIAL_SHAPES) if (re.test(value)) report(`input ${path} holds what looks like ${what} in plain text`);
    });
  },
};
