// The SASL/SCRAM credentials of a domain's Kafka principals, and where its pipeline finds its own. Passwords are
// Pulumi secrets (one config key per principal); nothing here holds a value.
import type { DomainManifest } from "../manifest";
import { domainPrincipal } from "./grants";
import { kafkaSecurity } from "./kafka";
import { kafkaSecretScope, kafkaUser, resourceName, type KafkaRole } from "./naming";
import { domainSecretKey, type Settings } from "./settings";

/** One Kafka user lakemesh creates on the broker side. */
export interface ScramUserSpec {
  readonly resourceName: string;
  readonly role: KafkaRole | "datahub";
  /** The user name, as in its ACLs' principal User:<username>. */
  readonly username: string;
  /** Pulumi secret config key (namespace lakemesh) holding the password. */
  readonly passwordKey: string;
  /**
   * scramCredentials msk: the Secrets Manager secret MSK reads it from. MSK requires the AmazonMSK_ prefix and a
   * customer managed KMS key (https://docs.aws.amazon.com/msk/latest/developerguide/msk-password.html).
   */
  readonly mskSecretName: string | null;
}

export interface KafkaCredentialsSpec {
  readonly mechanism: "SCRAM-SHA-512";
  readonly provisioning: "kafka-api" | "msk";
  readonly mskClusterArn: string | null;
  readonly users: readonly ScramUserSpec[];
  /**
   * The Databricks secret scope the domain's pipeline reads its Kafka user and password from (dbutils.secrets.get),
   * with its ACL: platform admins manage, the domain's service principal reads.
   */
  readonly scope: {
    readonly resourceName: string;
    readonly name: string;
    readonly usernameKey: string;
    readonly passwordKey: string;
    readonly managers: readonly string[];
    readonly readers: readonly string[];
  };
  /** scramCredentials msk: the customer managed key the domain's AmazonMSK_ secrets are encrypted with. */
  readonly kms: { readonly resourceName: string; readonly alias: string } | null;
}

/** Key names in a domain's Kafka secret scope. */
export const KAFKA_SCOPE_KEYS = { username: "pipeline-username", password: "pipeline-password" } as const;

/**
 * The Kafka users of a domain with topics when the cluster authenticates with SASL/SCRAM: its producers' and its
 * pipeline's, and the pipeline's secret scope. Null when there is nothing to authenticate (plaintext, or no topics).
 */
export function compileKafkaCredentials(s: Settings, domain: DomainManifest): KafkaCredentialsSpec | null {
  const d = domain.metadata.name;
  if (!kafkaSecurity(s).sasl || (domain.spec.topics ?? []).length === 0) return null;
  const msk = s.kafka.scramCredentials === "msk";
  const user = (role: KafkaRole, key: "kafkaPipelinePassword" | "kafkaProducerPassword"): ScramUserSpec => {
    const username = kafkaUser(s, d, role);
    return { resourceName: resourceName(d, "kafka-user", role), role, username, passwordKey: domainSecretKey(key, d), mskSecretName: msk ? `AmazonMSK_${username}` : null };
  };
  return {
    mechanism: "SCRAM-SHA-512",
    provisioning: s.kafka.scramCredentials,
    mskClusterArn: msk ? s.kafka.mskClusterArn! : null,
    users: [user("pipeline", "kafkaPipelinePassword"), user("producer", "kafkaProducerPassword")],
    scope: {
      resourceName: resourceName(d, "kafka-secret-scope"),
      name: kafkaSecretScope(s, d),
      usernameKey: KAFKA_SCOPE_KEYS.username,
      passwordKey: KAFKA_SCOPE_KEYS.password,
      managers: [s.personas.platform_admin],
      readers: [domainPrincipal(s, d)],
    },
    kms: msk ? { resourceName: resourceName(d, "kms-kafka-scram"), alias: `alias/${s.prefix}-${s.env}-${d}-kafka-scram` } : null,
  };
}
