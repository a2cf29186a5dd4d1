// The SASL/SCRAM credentials of a domain's Kafka principals, and where its pipeline finds its own. Passwords are
// Pulumi secrets (one config key per principal); nothing here holds a value.
import type { DomainManifest } from "../manifest";
import { compileDatahubKafka } from "./datahub-kafka";
import { domainPrincipal } from "./grants";
import { kafkaSecurity } from "./kafka";
import { kafkaSecretScope, kafkaUser, resourceName, type KafkaRole } from "./naming";
import { CONFIG_NAMESPACE, domainSecretKey, SettingsError, type Settings } from "./settings";

/** One Kafka user lakemesh creates on the broker side. */
export interface ScramUserSpec {
  readonly resourceName: string;
  readonly role: KafkaRole | "datahub";
  /** The user name, as in its ACLs' principal User:<username>. */
  readonly username: string;
  /**
   * Pulumi secret config key (namespace lakemesh) holding the password; null when lakemesh never needs it (a
   * producer user whose AmazonMSK_ secret is managed elsewhere: its password stays with whoever made the secret).
   */
  readonly passwordKey: string | null;
  /**
   * scramCredentials msk: the Secrets Manager secret MSK reads it from. MSK requires the AmazonMSK_ prefix and a
   * customer managed KMS key (https://docs.aws.amazon.com/msk/latest/developerguide/msk-password.html).
   */
  readonly mskSecretName: string | null;
  /** scramCredentials msk with kafka.existingScramSecrets: the ARN of the user's existing AmazonMSK_ secret. */
  readonly mskSecretArn: string | null;
}

export interface KafkaCredentialsSpec {
  readonly mechanism: "SCRAM-SHA-512";
  /**
   * kafka-api: through the Kafka admin API; msk: lakemesh creates the AmazonMSK_ secrets, their key and association;
   * msk-existing: the secrets are made and associated outside lakemesh (kafka.existingScramSecrets), lakemesh creates
   * no AWS resource.
   */
  readonly provisioning: "kafka-api" | "msk" | "msk-existing";
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

/** How the stack's SCRAM credentials reach the broker (kafka.scramCredentials, and whether the MSK secrets exist already). */
export function scramProvisioning(s: Settings): KafkaCredentialsSpec["provisioning"] {
  if (s.kafka.scramCredentials === "kafka-api") return "kafka-api";
  return s.kafka.existingScramSecrets ? "msk-existing" : "msk";
}

/** The existing AmazonMSK_ secret of `username` (msk-existing), else null; checkExistingScramSecrets made sure there is one. */
export function existingScramSecretArn(s: Settings, username: string): string | null {
  if (scramProvisioning(s) !== "msk-existing") return null;
  const arn = s.kafka.existingScramSecrets![username];
  if (!arn) throw new SettingsError(`${CONFIG_NAMESPACE}:kafka.existingScramSecrets.${username}: missing config key; the ARN of the user's existing AmazonMSK_ secret`);
  return arn;
}

/**
 * With kafka.existingScramSecrets: every SCRAM user of the mesh (each domain with topics: its pipeline and producer;
 * DataHub's with datahub.kafka platform) has its secret, and nothing else is named (a typo would leave a user without
 * one). The kafka block is the same in every stack file of an environment, so every stack checks the whole mesh.
 */
export function checkExistingScramSecrets(s: Settings, users: readonly string[], where: string): void {
  const given = s.kafka.existingScramSecrets;
  if (!given || scramProvisioning(s) !== "msk-existing") return;
  const key = (u: string) => `${where}: ${CONFIG_NAMESPACE}:kafka.existingScramSecrets.${u}`;
  const missing = users.filter((u) => !given[u]);
  if (missing.length > 0) {
    throw new SettingsError(`${key(missing[0])}: missing config key${missing.length > 1 ? ` (also missing: ${missing.slice(1).join(", ")})` : ""}; the ARN of the existing AmazonMSK_ secret of Kafka user ${missing[0]}`);
  }
  const unknown = Object.keys(given).filter((u) => !users.includes(u));
  if (unknown.length > 0) throw new SettingsError(`${key(unknown[0])}: not a Kafka user of this mesh; one of ${users.join(", ")}`);
}

/** The SCRAM users of the whole mesh: each domain's with topics, and DataHub's when it uses the platform cluster. */
export function meshScramUsers(s: Settings, domains: readonly DomainManifest[]): string[] {
  const datahub = compileDatahubKafka(s)?.sasl?.user.username;
  return [...domains.flatMap((d) => (compileKafkaCredentials(s, d)?.users ?? []).map((u) => u.username)), ...(datahub ? [datahub] : [])];
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
  const provisioning = scramProvisioning(s);
  const msk = provisioning === "msk";
  const user = (role: KafkaRole, key: "kafkaPipelinePassword" | "kafkaProducerPassword"): ScramUserSpec => {
    const username = kafkaUser(s, d, role);
    // With existing secrets only the pipeline's password is read: lakemesh writes it to the pipeline's secret scope.
    const passwordKey = provisioning === "msk-existing" && role === "producer" ? null : domainSecretKey(key, d);
    return { resourceName: resourceName(d, "kafka-user", role), role, username, passwordKey, mskSecretName: msk ? `AmazonMSK_${username}` : null, mskSecretArn: existingScramSecretArn(s, username) };
  };
  return {
    mechanism: "SCRAM-SHA-512",
    provisioning,
    mskClusterArn: provisioning === "kafka-api" ? null : s.kafka.mskClusterArn!,
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
