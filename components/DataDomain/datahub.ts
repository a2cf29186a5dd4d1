import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DATAHUB_ENV, DATAHUB_METADATA_FILES as META, type DomainArtifacts, type DomainSpec } from "../../lib/compile";

/** The domain's `datahub ingest` CronJob and its recipe. Tokens come from a Kubernetes secret, never the recipe. */
export function createDatahubIngestion(spec: DomainSpec, artifacts: pulumi.Output<DomainArtifacts>, parent: pulumi.Resource): k8s.batch.v1.CronJob {
  const h = spec.datahub;
  const labels = { "app.kubernetes.io/name": "datahub-ingestion", "app.kubernetes.io/part-of": "lakemesh", "lakemesh/domain": spec.name };
  const recipe = new k8s.core.v1.ConfigMap(
    h.configMapResourceName,
    { metadata: { name: h.configMapName, namespace: h.namespace, labels }, data: { [h.recipeFile]: artifacts.apply((a) => a.datahubRecipe), [META.metadata]: artifacts.apply((a) => a.datahubMetadata), [META.recipe]: artifacts.apply((a) => a.datahubMetadataRecipe) } },
    { parent },
  );
  const ingest = (name: string, recipeFile: string) => ({
    name,
    image: h.image,
    command: ["datahub", "ingest", "-c", recipeFile],
    env: [
      ...Object.entries(DATAHUB_ENV).map(([name, key]) => ({ name, valueFrom: { secretKeyRef: { name: h.secretName, key } } })),
      { name: "DATAHUB_TELEMETRY_ENABLED", value: "false" },
    ],
    volumeMounts: [{ name: "recipe", mountPath: "/etc/recipe", readOnly: true }],
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "2Gi" } },
  });
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
                // The Unity Catalog ingestion and, beside it, the domain's contracts, products and glossary terms
                // (lib/compile/datahub-metadata.ts); both upsert, so neither depends on the other's order.
                containers: [
                  ingest("ingest", `/etc/recipe/${h.recipeFile}`),
                  ingest("contracts", `${META.mountDir}/${META.recipe}`),
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
