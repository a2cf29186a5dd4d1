// DataHub on the stack's Kafka cluster (datahub.kafka: platform): its own SCRAM user, the ACLs it needs on its topics
// and consumer groups, and the chart values that make every DataHub service use SASL.
import type { AclSpec } from "./kafka";
import { existingScramSecretArn, scramProvisioning, type KafkaCredentialsSpec, type ScramUserSpec } from "./kafka-credentials";
import type { Settings } from "./settings";
import { SECRET_KEYS } from "./settings";

/**
 * DataHub's topics and consumer groups, as the pinned chart names them (acryldata/datahub-helm charts/datahub/
 * values.yaml, global.kafka.topics and global.kafka.consumer_groups; the upgrade-history consumer groups are
 * <release>-duhe-consumer-job-client-<component>).
 */
export const DATAHUB_TOPICS = [
  "DataHubUpgradeHistory_v1",
  "DataHubUsageEvent_v1",
  "FailedMetadataChangeEvent_v4",
  "FailedMetadataChangeProposal_v1",
  "MetadataAuditEvent_v4",
  "MetadataChangeEvent_v4",
  "MetadataChangeLog_Timeseries_v1",
  "MetadataChangeLog_Versioned_v1",
  "MetadataChangeProposal_v1",
  "PlatformEvent_v1",
  "datahub.metadata_aspect_v2",
] as const;
export const DATAHUB_GROUPS = [
  "datahub-usage-event-consumer-job-client",
  "datahub_doc_propagation_action",
  "datahub_slack_action",
  "datahub_teams_action",
  "generic-mae-consumer-job-client",
  "generic-mce-consumer-job-client",
  "generic-platform-event-job-client",
  "ingestion_executor",
  "mce-consumer-job-client",
] as const;
/** Prefix of the upgrade-history consumer groups of the release named datahub. */
export const DATAHUB_GROUP_PREFIX = "datahub-duhe-consumer-job-client";

/** Kubernetes secret with DataHub's SASL settings, and the keys the chart maps into each service's environment. */
export const DATAHUB_KAFKA_SECRET = { name: "lakemesh-datahub-kafka", jaasKey: "sasl-jaas-config", usernameKey: "sasl-username", passwordKey: "sasl-password" } as const;

export interface DatahubKafkaSpec {
  readonly bootstrapServers: string;
  /** Topic settings DataHub creates its topics with: more than one partition and the cluster's replication. */
  readonly partitions: number;
  readonly replicationFactor: number;
  /** SASL/SCRAM: DataHub's user, ACLs and chart settings; null on a plaintext cluster. */
  readonly sasl: {
    readonly user: ScramUserSpec;
    readonly provisioning: KafkaCredentialsSpec["provisioning"];
    readonly mskClusterArn: string | null;
    readonly kms: KafkaCredentialsSpec["kms"];
    readonly acls: readonly AclSpec[];
  } | null;
}

const aclOf = (principal: string, resourceType: AclSpec["resourceType"], name: string, patternType: AclSpec["patternType"], operation: AclSpec["operation"]): AclSpec => ({
  resourceName: `datahub-acl-${operation.toLowerCase()}-${resourceType.toLowerCase()}-${name}`,
  principal,
  resourceType,
  resourceNameValue: name,
  patternType,
  operation,
  host: "*",
});

/**
 * DataHub's use of the platform Kafka cluster, or null when DataHub runs its own (datahub.kafka: internal). Its
 * system-update job creates the topics (Create), GMS and the consumers produce and consume (Write, Read, Describe),
 * and each consumer group needs Read (and Describe to commit and fetch offsets).
 */
export function compileDatahubKafka(s: Settings): DatahubKafkaSpec | null {
  if (s.datahub.kafka !== "platform") return null;
  const sasl = s.kafka.auth === "sasl-scram-sha512";
  const username = `${s.kafka.principalPrefix}datahub`;
  const principal = `User:${username}`;
  const provisioning = scramProvisioning(s);
  const msk = provisioning === "msk";
  return {
    bootstrapServers: s.kafka.bootstrapServers.join(","),
    partitions: 3,
    replicationFactor: s.kafka.replicationFactor,
    sasl: sasl
      ? {
          user: { resourceName: "datahub-kafka-user", role: "datahub", username, passwordKey: SECRET_KEYS.datahubKafkaPassword, mskSecretName: msk ? `AmazonMSK_${username}` : null, mskSecretArn: sasl ? existingScramSecretArn(s, username) : null },
          provisioning,
          mskClusterArn: provisioning !== "kafka-api" ? s.kafka.mskClusterArn! : null,
          kms: msk ? { resourceName: "kms-datahub-kafka-scram", alias: `alias/${s.prefix}-${s.env}-datahub-kafka-scram` } : null,
          acls: [
            ...DATAHUB_TOPICS.flatMap((t) => (["Create", "Read", "Write", "Describe"] as const).map((op) => aclOf(principal, "Topic", t, "Literal", op))),
            ...DATAHUB_GROUPS.flatMap((g) => (["Read", "Describe"] as const).map((op) => aclOf(principal, "Group", g, "Literal", op))),
            ...(["Read", "Describe"] as const).map((op) => aclOf(principal, "Group", DATAHUB_GROUP_PREFIX, "Prefixed", op)),
          ],
        }
      : null,
  };
}
