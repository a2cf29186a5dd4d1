import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DATAHUB_ENV, type DomainArtifacts, type DomainSpec } from "../../lib/compile";

/** The domain's `datahub ingest` CronJob and its recipe. Tokens come from a Kubernetes secret, never the recipe. */
export function createDatahubIngestion(spec: DomainSpec, artifacts: pulumi.Output<DomainArtifacts>, parent: pulumi.Resource): k8s.batch.v1.CronJob {
  const h = spec.datahub;
  const labels = { "app.kubernetes.io/name": "datahub-ingestion", "app.kubernetes.io/part-of": "lakemesh", "lakemesh/domain": spec.name };
  const recipe = new k8s.core.v1.ConfigMap(
    h.configMapResourceName,
    { metadata: { name: h.configMapName, namespace: h.namespace, labels }, data: { [h.recipeFile]: artifacts.apply((a) => a.datahubRecipe) } },
    { parent },
  );
  return new k8s.batch.v1.CronJob(
    h.cronJobResourceName,
    {
      metadata: { name: h.cronJobName, namespace: h.namespace, labels },
      spec: {
        schedule: h.schedule,
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 3600,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: "OnFailure",
                securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                  {
                    name: "ingest",
                    image: h.image,
                    command: ["datahub", "ingest", "-c", `/etc/recipe/${h.recipeFile}`],
                    env: [
                      ...Object.entries(DATAHUB_ENV).map(([name, key]) => ({ name, valueFrom: { secretKeyRef: { name: h.secretName, key } } })),
                      { name: "DATAHUB_TELEMETRY_ENABLED", value: "false" },
                    ],
                    volumeMounts: [{ name: "recipe", mountPath: "/etc/recipe", readOnly: true }],
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                    resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "2Gi" } },
                  },
                ],
                volumes: [{ name: "recipe", configMap: { name: h.configMapName } }],
              },
            },
          },
        },
      },
    },
    { parent, dependsOn: [recipe] },
  );
}
