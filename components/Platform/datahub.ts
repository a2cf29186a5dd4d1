import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { compileDatahubKafka, DATAHUB_APP_VERSIONS, DATAHUB_ENV, DATAHUB_KAFKA_SECRET, type Settings } from "../../lib/compile";
import { createAcl, createScramKey, createScramUser } from "../kafkaAccess";

export const DATAHUB_REPO = "https://helm.datahubproject.io/";

export interface DatahubSecrets {
  /** Needed only when lakemesh installs DataHub (datahub.install). */
  readonly mysqlPassword?: pulumi.Input<string>;
  readonly gmsToken: pulumi.Input<string>;
  readonly databricksToken: pulumi.Input<string>;
  /**
   * SCRAM password of DataHub's Kafka user (datahub.kafka: platform on a SASL cluster).
   * @default undefined
   */
  readonly kafkaPassword?: pulumi.Input<string>;
}

/** Whether DataHub needs the stack's Kafka provider: it has its own user and ACLs on the platform cluster. */
export const datahubUsesPlatformKafka = (s: Settings) => compileDatahubKafka(s)?.sasl != null;

/** The JAAS line DataHub's Java services log in with (they use the plain Kafka client, not a shaded one). */
export function datahubJaasConfig(username: string, password: string): string {
  const q = (v: string) => '"' + v.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username=${q(username)} password=${q(password)};`;
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
  const k = compileDatahubKafka(s);
  const kafkaReady = k?.sasl ? datahubKafkaAccess(s, k.sasl, secrets.kafkaPassword, namespace, labels, parent) : [];
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
          // The server version is pinned too; the ingestion image carries the same tag (settings check it).
          datahub: { version: DATAHUB_APP_VERSIONS[s.datahub.chartVersion], metadata_service_authentication: { enabled: true } },
          ...(k
            ? {
                // A replicated cluster needs replicated topics ("For AWS MSK set this to a number larger than 1",
                // acryldata/datahub-helm charts/datahub/values.yaml global.kafka).
                kafka: { bootstrap: { server: k.bootstrapServers }, partitions: k.partitions, replicationFactor: k.replicationFactor },
              }
            : {}),
          ...(k?.sasl
            ? {
                // Every DataHub service (and the system-update job that creates the topics) takes these as
                // SPRING_KAFKA_PROPERTIES_* / KAFKA_PROPERTIES_*; the JAAS line and the Python services' user and
                // password come from the secret (datahub docs/deploy/confluent-cloud.md, Helm section).
                springKafkaConfigurationOverrides: {
                  "security.protocol": "SASL_SSL",
                  "sasl.mechanism": "SCRAM-SHA-512",
                  "partition.assignment.strategy": "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
                },
                credentialsAndCertsSecrets: {
                  name: DATAHUB_KAFKA_SECRET.name,
                  path: "/mnt/datahub/kafka",
                  secureEnv: { "sasl.jaas.config": DATAHUB_KAFKA_SECRET.jaasKey, "sasl.username": DATAHUB_KAFKA_SECRET.usernameKey, "sasl.password": DATAHUB_KAFKA_SECRET.passwordKey },
                },
              }
            : {}),
        },
      },
      atomic: true,
      timeout: 1200,
      waitForJobs: true,
    },
    { parent, dependsOn: [prerequisites, ...kafkaReady] },
  );
  return release;
}

/**
 * DataHub's own Kafka user on the platform cluster, its ACLs on its topics and consumer groups, and the Kubernetes
 * secret its services read the SASL settings from. Returns what the release must wait for.
 */
function datahubKafkaAccess(
  s: Settings,
  sasl: NonNullable<NonNullable<ReturnType<typeof compileDatahubKafka>>["sasl"]>,
  password: pulumi.Input<string> | undefined,
  namespace: k8s.core.v1.Namespace,
  labels: Record<string, string>,
  parent: pulumi.Resource,
): pulumi.Resource[] {
  if (password === undefined) throw new Error("datahub.kafka is platform on a SASL cluster: set pulumi config set --secret lakemesh:datahubKafkaPassword");
  const kmsKey = sasl.kms ? createScramKey(sasl.kms, s.aws.accountId, s.protect, parent) : undefined;
  const user = createScramUser(sasl.user, { provisioning: sasl.provisioning, mechanism: "SCRAM-SHA-512", mskClusterArn: sasl.mskClusterArn, kmsKey }, password, parent);
  const acls = sasl.acls.map((a) => createAcl(a, { parent }));
  const secret = new k8s.core.v1.Secret(
    "datahub-kafka-secret",
    {
      metadata: { name: DATAHUB_KAFKA_SECRET.name, namespace: s.datahub.namespace, labels },
      type: "Opaque",
      stringData: {
        [DATAHUB_KAFKA_SECRET.jaasKey]: pulumi.secret(pulumi.output(password).apply((pw) => datahubJaasConfig(sasl.user.username, pw))),
        [DATAHUB_KAFKA_SECRET.usernameKey]: sasl.user.username,
        [DATAHUB_KAFKA_SECRET.passwordKey]: pulumi.secret(password),
      },
    },
    { parent, dependsOn: [namespace] },
  );
  return [...(user ? [user] : []), ...acls, secret];
}
