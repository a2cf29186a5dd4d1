import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DATAHUB_ENV, type Settings } from "../../lib/compile";

export const DATAHUB_REPO = "https://helm.datahubproject.io/";

export interface DatahubSecrets {
  /** Needed only when lakemesh installs DataHub (datahub.install). */
  readonly mysqlPassword?: pulumi.Input<string>;
  readonly gmsToken: pulumi.Input<string>;
  readonly databricksToken: pulumi.Input<string>;
}

/**
 * DataHub in its own namespace: helm.v3.Release (not v4.Chart, which would drop the chart's hook objects),
 * prerequisites first, both pinned. Also the secret the domains' ingestion CronJobs read their tokens from, which is
 * all there is when DataHub runs elsewhere (datahub.install false).
 */
export function createDatahub(s: Settings, secrets: DatahubSecrets, parent: pulumi.Resource): k8s.helm.v3.Release | undefined {
  const ns = s.datahub.namespace;
  const labels = { "app.kubernetes.io/part-of": "lakemesh" };
  const namespace = new k8s.core.v1.Namespace("datahub-namespace", { metadata: { name: ns, labels } }, { parent });
  new k8s.core.v1.Secret(
    "datahub-ingestion-secret",
    {
      metadata: { name: s.datahub.secretName, namespace: ns, labels },
      type: "Opaque",
      stringData: { [DATAHUB_ENV.DATABRICKS_TOKEN]: secrets.databricksToken, [DATAHUB_ENV.DATAHUB_GMS_TOKEN]: secrets.gmsToken },
    },
    { parent, dependsOn: [namespace] },
  );
  if (!s.datahub.install) return undefined;
  if (secrets.mysqlPassword === undefined) throw new Error("datahub.install needs the DataHub MySQL password (lakemesh:datahubMysqlPassword)");
  const mysql = new k8s.core.v1.Secret(
    "datahub-mysql-secret",
    { metadata: { name: "mysql-secrets", namespace: ns, labels }, type: "Opaque", stringData: { "mysql-root-password": secrets.mysqlPassword, "mysql-password": secrets.mysqlPassword } },
    { parent, dependsOn: [namespace] },
  );
  const platformKafka = s.datahub.kafka === "platform";
  const prerequisites = new k8s.helm.v3.Release(
    "datahub-prerequisites",
    {
      name: "prerequisites",
      chart: "datahub-prerequisites",
      version: s.datahub.prerequisitesChartVersion,
      namespace: ns,
      repositoryOpts: { repo: DATAHUB_REPO },
      values: { kafka: { enabled: !platformKafka } },
      atomic: true,
      timeout: 900,
    },
    { parent, dependsOn: [mysql] },
  );
  const release = new k8s.helm.v3.Release(
    "datahub",
    {
      name: "datahub",
      chart: "datahub",
      version: s.datahub.chartVersion,
      namespace: ns,
      repositoryOpts: { repo: DATAHUB_REPO },
      values: {
        global: {
          datahub: { metadata_service_authentication: { enabled: true } },
          ...(platformKafka ? { kafka: { bootstrap: { server: s.kafka.bootstrapServers.join(",") } } } : {}),
        },
      },
      atomic: true,
      timeout: 1200,
      waitForJobs: true,
    },
    { parent, dependsOn: [prerequisites] },
  );
  return release;
}
