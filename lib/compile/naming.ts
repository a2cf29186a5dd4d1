// The naming scheme: physical names (topics, schemas, jobs, workspace paths, principals, groups) are defined here;
// other modules only join them into qualified names (catalog.schema.table, volume paths). Logical (Pulumi resource)
// names come from manifest names, never positions (resourceName() for a domain's children), so reordering a manifest
// never renames a resource.
import type { Settings } from "./settings";

/** Pulumi logical name of a domain's child resource: `<domain>-<role>[-<key>]`. */
export function resourceName(domain: string, role: string, key?: string): string {
  return key === undefined ? `${domain}-${role}` : `${domain}-${role}-${key}`;
}

/** Unity Catalog schema of a domain: kebab-case becomes snake_case. */
export function schemaName(domain: string): string {
  return domain.replace(/-/g, "_");
}

/** Kafka topic `<domain>.<entity>.v<major>`. */
export function topicName(domain: string, topic: string, major: number): string {
  return `${domain}.${topic}.v${major}`;
}

/** The generated raw table of a topic. */
export function bronzeTableName(topic: string): string {
  return `bronze_${topic.replace(/-/g, "_")}`;
}

/**
 * The per-domain view of bronze events of unregistered tenants (contract.ts quarantineDataset). The double underscore
 * keeps it apart from manifest datasets and generated bronze tables (manifest names cannot contain "__").
 */
export const QUARANTINE_TABLE = "lm__tenant_quarantine";

/** Account group holding a domain's team and pipeline service principal. */
export function domainGroup(s: Settings, domain: string): string {
  return `${s.prefix}-${s.env}-domain-${domain}`;
}

export type KafkaRole = "producer" | "pipeline";

/** Kafka principal of a domain's producing services or of its pipeline. */
export function kafkaPrincipal(s: Settings, domain: string, role: KafkaRole): string {
  return kafkaPrincipalOf(s.kafka.principalPrefix, domain, role);
}

/** {@link kafkaPrincipal} from the stack's principal prefix alone (the policy pack has the prefix, not the settings). */
export function kafkaPrincipalOf(principalPrefix: string, domain: string, role: KafkaRole): string {
  return `User:${principalPrefix}${domain}-${role}`;
}

/** The Kafka user name of a principal (the principal without `User:`), as its SCRAM credential is named. */
export function kafkaUser(s: Settings, domain: string, role: KafkaRole): string {
  return `${s.kafka.principalPrefix}${domain}-${role}`;
}

/**
 * Databricks secret scope of a domain's Kafka credentials. One scope per domain: secret ACLs are per scope, so a
 * shared scope would let every pipeline read every other domain's password.
 */
export function kafkaSecretScope(s: Settings, domain: string): string {
  return `${s.kafka.secretScope}-${domain}`;
}

/** Consumer-group prefix of a domain's pipeline (Spark's `groupIdPrefix`, and a prefixed group ACL). */
export function consumerGroupPrefix(s: Settings, domain: string): string {
  return `${s.prefix}.${s.env}.${domain}.`;
}

export function pipelineName(s: Settings, domain: string): string {
  return `${s.prefix}-${s.env}-${domain}`;
}

export function domainJobName(s: Settings, domain: string): string {
  return `${s.prefix}-${s.env}-${domain}-refresh`;
}

/** Workspace folder of a domain's pipeline code, contract and governance SQL. */
export function domainWorkspaceDir(s: Settings, domain: string): string {
  return `${s.databricks.workspaceRoot}/domains/${domain}`;
}

export function contractPath(s: Settings, domain: string): string {
  return `${domainWorkspaceDir(s, domain)}/contract.json`;
}

export function governanceSqlPath(s: Settings, domain: string): string {
  return `${domainWorkspaceDir(s, domain)}/governance.sql`;
}

export function codeDir(s: Settings, domain: string): string {
  return `${domainWorkspaceDir(s, domain)}/code`;
}

/** Workspace folder of the GDPR job notebooks and their shared module. */
export function gdprWorkspaceDir(s: Settings): string {
  return `${s.databricks.workspaceRoot}/gdpr`;
}

/** Databricks job of a GDPR workflow (subject-access, erasure, retention). */
export function gdprJobName(s: Settings, kind: string): string {
  return `${s.prefix}-${s.env}-gdpr-${kind}`;
}

/** Kubernetes names of a domain's DataHub ingestion (CronJob names are limited to 52 characters). */
export function datahubRecipeName(domain: string): string {
  return `recipe-${domain}`;
}
export function datahubCronJobName(domain: string): string {
  return `ingest-${domain}`;
}

export const GOVERNANCE_SCHEMA = "governance";

/** The governance schema's tables (short names), each created from sql/tables/<name>.sql. */
export const GOVERNANCE_TABLES = ["tenant_principals", "gdpr_registry", "gdpr_requests", "erasure_suppression", "audit_log"] as const;

/**
 * The identifier mask's HMAC key (sql/tables/pseudonym_key.sql): a governance table outside GOVERNANCE_TABLES, since
 * nobody but platform admins is granted it (the masks read it as their owner).
 */
export const PSEUDONYM_KEY_TABLE = "pseudonym_key";

/**
 * The GDPR jobs' pre-flight control table (sql/tables/gdpr_control.sql): control rows under the tenant filter and a
 * mask, created after the functions it declares, so outside GOVERNANCE_TABLES (created before them).
 */
export const GDPR_CONTROL_TABLE = "gdpr_control";

/**
 * GDPR requests until their job ends, with the raw subject id (sql/tables/gdpr_request_inbox.sql): outside
 * GOVERNANCE_TABLES because its grants differ (the filers may write it; auditors may not read raw ids).
 */
export const GDPR_INBOX_TABLE = "gdpr_request_inbox";

/**
 * The subject-hash salt's fingerprint (sql/tables/salt_fingerprint.sql): outside GOVERNANCE_TABLES because its grants
 * differ (written by the deployment only; read by the pipelines group and the GDPR jobs' principal).
 */
export const SALT_FINGERPRINT_TABLE = "salt_fingerprint";

/**
 * Subjects whose rows an erasure restricted under a legal hold instead of deleting them (sql/tables/
 * erasure_restrictions.sql), read by the held datasets' row filter: outside GOVERNANCE_TABLES because its grants
 * differ (it holds raw subject ids: the GDPR officer, the legal-hold role and the GDPR jobs read it; no auditor).
 */
export const ERASURE_RESTRICTIONS_TABLE = "erasure_restrictions";

/** Governance function and table names of a catalog. */
export function governanceNames(catalog: string) {
  const fq = (name: string) => `${catalog}.${GOVERNANCE_SCHEMA}.${name}`;
  return {
    schema: `${catalog}.${GOVERNANCE_SCHEMA}`,
    tenantFilter: fq("tenant_filter"),
    /** Row filter of held datasets' tables: the tenant filter, and restricted rows only for the GDPR officer and legal-hold role. */
    tenantFilterHeld: fq("tenant_filter_held"),
    /** The mask function of a mask key (lib/compile/masks.ts maskKey): `mask_email`, `mask_financial_decimal_18_2`. */
    mask: (key: string) => fq(`mask_${key}`),
    tenantPrincipals: fq("tenant_principals"),
    gdprRegistry: fq("gdpr_registry"),
    gdprRequests: fq("gdpr_requests"),
    erasureSuppression: fq("erasure_suppression"),
    erasureRestrictions: fq(ERASURE_RESTRICTIONS_TABLE),
    auditLog: fq("audit_log"),
    pseudonymKey: fq(PSEUDONYM_KEY_TABLE),
    gdprControl: fq(GDPR_CONTROL_TABLE),
    gdprRequestInbox: fq(GDPR_INBOX_TABLE),
    saltFingerprint: fq(SALT_FINGERPRINT_TABLE),
  };
}

/** Account group of every domain pipeline's run-as principal: sees all tenants and unmasked values, so pipelines never store filtered data. */
export function pipelinesGroup(s: Settings): string {
  return `${s.prefix}-${s.env}-pipelines`;
}

/** Physical names of the platform's AWS and Databricks objects. Bucket names carry the account id: they are global. */
export function platformPhysicalNames(s: Settings) {
  const base = `${s.prefix}-${s.env}`;
  // Storage managed elsewhere (aws.existingStorage) keeps its own names; lakemesh names what it creates.
  const existing = s.aws.existingStorage;
  const storageRole = existing ? existing.storageRoleArn.split("/").pop()! : `${base}-uc-storage`;
  return {
    kmsAlias: `alias/${base}-uc`,
    ucBucket: existing?.ucBucket ?? `${base}-uc-${s.aws.accountId}`,
    landingBucket: existing?.landingBucket ?? `${base}-landing-${s.aws.accountId}`,
    storageRole,
    storageRoleArn: existing?.storageRoleArn ?? `arn:aws:iam::${s.aws.accountId}:role/${storageRole}`,
    storageCredential: `${s.prefix}_${s.env}_uc_storage`,
    ucLocation: `${s.prefix}_${s.env}_uc_root`,
    landingLocation: `${s.prefix}_${s.env}_landing`,
    warehouse: `${base}-warehouse`,
    gdprVolume: "gdpr_exports",
  };
}
