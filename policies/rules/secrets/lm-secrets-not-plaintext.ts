import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, isSecretMarker, known, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

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

/** Visits every input (path, key, value); an unknown value is visited as UNKNOWN, never read through. */
function walk(v: unknown, path: string, visit: (path: string, key: string, value: unknown) => void): void {
  if (v === UNKNOWN || isSecretMarker(v)) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = known(() => v[i]);
      visit(`${path}[${i}]`, String(i), x);
      walk(x, `${path}[${i}]`, visit);
    }
  } else if (v && typeof v === "object") {
    for (const k of Object.keys(v)) {
      const x = known(() => (v as Record<string, unknown>)[k]);
      visit(path ? `${path}.${k}` : k, k, x);
      walk(x, path ? `${path}.${k}` : k, visit);
    }
  }
}

/**
 * Credentials reach resources only as Pulumi secrets. The offline plan keeps secretness, so a sensitive input
 * holding a plain value is caught there. The engine unwraps secrets before JavaScript policies see them, so under
 * `pulumi preview` the rule checks credential formats only (and skips Kubernetes Secret data, which the provider
 * always keeps secret).
 */
export const policy: ResourceValidationPolicy = {
  name: ID,
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
      if (kubeSecretData && /^(data|stringData)\./.test(path)) return;
      // An unknown value is computed by a provider (an id, an ARN): it is checked when `pulumi up` knows it.
      if (value === UNKNOWN) return checkedAtUpdate(ID, args.urn, `input ${path}`);
      if (typeof value !== "string" || value === "") return;
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
