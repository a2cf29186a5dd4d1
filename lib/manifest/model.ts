import type { Column, Dataset, DatasetRef, DomainManifest, Owner, PersonalData, Topic } from "./types.gen";

/** The platform's tenant column: every tenant table's row filter, bronze table and tenant_principals key on it. */
export const DEFAULT_TENANT_KEY = "tenant_id";
/** Dataset names with this prefix are reserved for the generated raw (bronze) tables. */
export const RESERVED_DATASET_PREFIX = "bronze_";

/**
 * Schema names a domain's schema (its name with '-' as '_') may not take in the stack's catalog: the platform's
 * `governance` schema (tenant_principals, the GDPR registry, the audit log), the `default` schema every new catalog
 * has, Unity Catalog's read-only `information_schema` (reserved, https://docs.databricks.com/aws/en/schemas/create-schema),
 * Spark's `global_temp`, and `session`/`builtin`, which SQL resolves as the system schemas of temporary variables
 * and built-in functions (stricter reading: never share a name with them).
 */
export const RESERVED_SCHEMA_NAMES = ["governance", "default", "information_schema", "global_temp", "session", "builtin", "system"] as const;

/**
 * Last words a domain name may not end with: the persona and platform group names of the stacks
 * (`<prefix>-<env>-platform-admins`, `...-pipelines`, ...). A domain's group is `<prefix>-<env>-domain-<domain>`:
 * ending like a persona group it would match the patterns that recognise those groups (the policy pack's admin
 * pattern `-platform-admins$`) and read as one in every grant list.
 */
export const RESERVED_DOMAIN_SUFFIXES = [
  "admin",
  "admins",
  "platform-admins",
  "client-admins",
  "data-scientists",
  "internal-analysts",
  "end-users",
  "gdpr-officers",
  "legal-hold",
  "auditors",
  "api-service",
  "bi-service",
  "pipelines",
] as const;

export function isTenantScoped(ds: Dataset): boolean {
  return ds.tenantScoped !== false;
}

/** The tenant key column of a tenant-scoped dataset, else undefined. */
export function tenantKeyOf(ds: Dataset): string | undefined {
  return isTenantScoped(ds) ? ds.tenantKey ?? DEFAULT_TENANT_KEY : undefined;
}

/** A column marked as personal data: personalData is its classification (not `false`, not absent). */
export type PersonalColumn = Column & { readonly personalData: PersonalData };

export function isPersonal(c: Column): c is PersonalColumn {
  return typeof c.personalData === "object" && c.personalData !== null;
}

export function personalColumns(ds: Dataset): PersonalColumn[] {
  return ds.columns.filter(isPersonal);
}

/** The primary-key columns of a dataset, in column order. */
export function primaryKeyColumns(ds: Dataset): string[] {
  return ds.columns.filter((c) => c.primaryKey === true).map((c) => c.name);
}

export function findColumn(ds: Dataset, name: string): Column | undefined {
  return ds.columns.find((c) => c.name === name);
}

export function effectiveOwner(domain: DomainManifest, ds: Dataset): Owner {
  return ds.owner ?? domain.metadata.owner;
}

/** The domain that owns a referenced dataset. */
export function refDomain(owner: DomainManifest, ref: DatasetRef): string {
  return ref.domain ?? owner.metadata.name;
}

export function pipelineMode(domain: DomainManifest): "triggered" | "continuous" {
  return domain.spec.pipeline?.mode ?? "triggered";
}

/**
 * Whether domain `reader` may read `owner`'s topic `topic` itself, which holds every tenant's events, unfiltered
 * and unmasked. The owner's own pipeline always may. Another domain may read a topic without personal data; a topic
 * with personal data only if the owner lists the reader in the topic's `publishedTo` (with a purpose, in the owner's
 * manifest, reviewed by its owners). The manifest rule topic-reads and the policy rule
 * lm-kafka-personal-topic-readers both decide with this function (issue 15, item 2).
 */
export function mayReadTopic(owner: DomainManifest, topic: Topic, reader: string): boolean {
  return reader === owner.metadata.name || !topic.personalData || (topic.publishedTo ?? []).some((p) => p.domain === reader);
}
