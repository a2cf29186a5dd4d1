// The API's Kubernetes objects (platform stack): namespace, config, Deployment, Service, HorizontalPodAutoscaler,
// PodDisruptionBudget and NetworkPolicy. Pure: the manifests as plain objects; the component only registers them.
// Secrets are referenced by name and key here; their values come from Pulumi secret config in the component.
import type { ServingSettings } from "../compile/settings";

export const SERVING_APP = "lakemesh-serving";
export const SERVING_PORT = 8080;
/** Keys of the API's Kubernetes secret, and the environment variables the API reads them from. */
export const SERVING_SECRET_KEYS = {
  cursorKey: { key: "cursor-key", env: "LAKEMESH_CURSOR_KEY" },
  subjectSalt: { key: "subject-salt", env: "LAKEMESH_SUBJECT_SALT" },
  federationKey: { key: "federation-key", env: "LAKEMESH_FEDERATION_KEY" },
} as const;
export const SERVING_CONFIG_PATH = "/etc/lakemesh/serving.json";
export const SERVING_SECRETS_DIR = "/var/run/lakemesh/secrets";

type Obj = Record<string, unknown>;
/** A Kubernetes object's metadata and spec, as the provider's resource args take them. */
export interface KubeObject {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels: Readonly<Record<string, string>> };
  readonly spec: Obj;
}

export interface ServingKubernetesSpec {
  readonly namespace: { readonly metadata: KubeObject["metadata"] };
  readonly secretName: string;
  readonly configMapName: string;
  readonly deployment: KubeObject;
  readonly service: KubeObject;
  readonly hpa: KubeObject;
  readonly pdb: KubeObject;
  readonly networkPolicy: KubeObject;
}

export function compileServingKubernetes(v: ServingSettings, env: string): ServingKubernetesSpec {
  const ns = v.namespace;
  const labels = { "app.kubernetes.io/name": SERVING_APP, "app.kubernetes.io/part-of": "lakemesh", "lakemesh/env": env };
  const selector = { "app.kubernetes.io/name": SERVING_APP };
  const meta = (name: string) => ({ name, namespace: ns, labels });
  const secretName = `${SERVING_APP}-secrets`;
  const configMapName = `${SERVING_APP}-config`;
  const probe = (path: string, period: number, failures: number) => ({ httpGet: { path, port: "http" }, periodSeconds: period, timeoutSeconds: 2, failureThreshold: failures });
  const secretEnv = Object.values(SERVING_SECRET_KEYS).map((s) => ({ name: s.env, valueFrom: { secretKeyRef: { name: secretName, key: s.key } } }));
  return {
    namespace: { metadata: { name: ns, labels: { "app.kubernetes.io/part-of": "lakemesh", "pod-security.kubernetes.io/enforce": "restricted" } } },
    secretName,
    configMapName,
    deployment: {
      metadata: meta(SERVING_APP),
      spec: {
        replicas: v.replicas,
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } }],
            containers: [
              {
                name: "api",
                image: v.image,
                imagePullPolicy: "IfNotPresent",
                args: ["node", "dist/serving/main.js", "--config", SERVING_CONFIG_PATH],
                ports: [{ name: "http", containerPort: SERVING_PORT, protocol: "TCP" }],
                env: [{ name: "NODE_ENV", value: "production" }, { name: "DATABRICKS_TELEMETRY_DISABLED", value: "1" }, ...secretEnv],
                volumeMounts: [
                  { name: "config", mountPath: "/etc/lakemesh", readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                  // The tenant principals' OAuth secrets, only when embed tokens are minted with them.
                  ...(v.embedding.tokenMinting === "secret" ? [{ name: "secrets", mountPath: SERVING_SECRETS_DIR, readOnly: true }] : []),
                ],
                resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                startupProbe: probe("/healthz", 2, 30),
                livenessProbe: probe("/healthz", 10, 3),
                readinessProbe: probe("/readyz", 5, 2),
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ["ALL"] } },
              },
            ],
            volumes: [
              { name: "config", configMap: { name: configMapName, items: [{ key: "serving.json", path: "serving.json" }] } },
              { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
              ...(v.embedding.tokenMinting === "secret" ? [{ name: "secrets", secret: { secretName, defaultMode: 0o400 } }] : []),
            ],
          },
        },
      },
    },
    service: { metadata: meta(SERVING_APP), spec: { type: "ClusterIP", selector, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] } },
    hpa: {
      metadata: meta(SERVING_APP),
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: SERVING_APP },
        minReplicas: v.replicas,
        maxReplicas: v.maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
      },
    },
    // One pod may go at a time when there are several; a single replica must not block node drains forever.
    pdb: { metadata: meta(SERVING_APP), spec: v.replicas > 1 ? { minAvailable: v.replicas - 1, selector: { matchLabels: selector } } : { maxUnavailable: 1, selector: { matchLabels: selector } } },
    networkPolicy: {
      metadata: meta(SERVING_APP),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ["Ingress", "Egress"],
        // Only the ingress controller reaches the API.
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": v.ingressNamespace } } }], ports: [{ protocol: "TCP", port: SERVING_PORT }] }],
        // DNS, and HTTPS out (the IdP's JWKS, the Databricks workspace and account).
        egress: [
          { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
          { ports: [{ protocol: "TCP", port: 443 }] },
        ],
      },
    },
  };
}
