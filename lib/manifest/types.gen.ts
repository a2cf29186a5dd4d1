/* Generated from lib/manifest/schema.json by `npm run gen:types`. Do not edit. */

/**
 * Domain name. Becomes the Kafka topic prefix and (with '-' replaced by '_') the Unity Catalog schema name.
 */
export type DomainName = string;
export type Tag = string;
/**
 * ISO 8601 duration, e.g. PT15M, P7D, P7Y. Years count as 365 days and months as 30 days.
 */
export type Duration = string;
/**
 * Logical topic (entity) name. The physical topic is <domain>.<name>.v<major>.
 */
export type TopicName = string;
/**
 * A name that becomes a SQL identifier and a Python string: dataset, column, expectation or measure name.
 */
export type SqlName = string;
/**
 * A name that becomes a SQL identifier and a Python string: dataset, column, expectation or measure name.
 */
export type SqlName1 = string;
/**
 * ISO 8601 duration, e.g. PT15M, P7D, P7Y. Years count as 365 days and months as 30 days.
 */
export type Duration1 = string;
/**
 * A persona that may read the dataset. end_user reads only through the API; platform_admin and gdpr_officer get access through the platform.
 */
export type Persona = "data_scientist" | "internal_analyst" | "client_admin" | "api_service" | "bi_service";

/**
 * A lakemesh domain manifest: what one business domain owns (topics, datasets, columns, personal data, retention, consumers). One file per domain in domains/.
 */
export interface DomainManifest {
  apiVersion: "lakemesh/v1";
  kind: "DataDomain";
  metadata: Metadata;
  spec: Spec;
}
export interface Metadata {
  name: DomainName;
  title: string;
  description: string;
  owner: Owner;
  /**
   * @maxItems 20
   */
  tags?: Tag[];
}
export interface Owner {
  /**
   * Owning team (a group handle).
   */
  team: string;
  /**
   * Team e-mail address for incidents and data requests.
   */
  contact: string;
}
export interface Spec {
  sla: Sla;
  pipeline?: Pipeline;
  /**
   * @maxItems 100
   */
  topics?: Topic[];
  /**
   * @minItems 1
   * @maxItems 200
   */
  datasets: Dataset[];
  /**
   * @maxItems 100
   */
  consumers?: Consumer[];
}
export interface Sla {
  freshness: Duration;
  /**
   * Monthly availability target in percent.
   */
  availability: number;
  /**
   * When the owning team answers incidents.
   */
  supportHours: "business-hours" | "extended-hours" | "24x7";
}
/**
 * How the domain's Lakeflow pipeline runs.
 */
export interface Pipeline {
  /**
   * triggered: runs on the domain job's schedule; continuous: always on.
   */
  mode?: "triggered" | "continuous";
  /**
   * Quartz cron expression for the domain job (triggered mode only).
   */
  schedule?: string;
}
export interface Topic {
  name: TopicName;
  description: string;
  partitions: number;
  retention: Duration;
  key: SqlName;
  /**
   * Whether payloads carry personal data.
   */
  personalData: boolean;
  /**
   * Other domains this domain lets declare the topic itself in their spec.consumers (raw events: every tenant, unfiltered, unmasked), each for a named purpose. A topic with personal data is this domain's pipeline's alone unless a domain is listed here; this domain's owners review the list. Other domains normally read the topic's dataset instead (row filter and masks apply).
   *
   * @maxItems 50
   */
  publishedTo?: TopicPublication[];
}
/**
 * One domain the owner lets read a topic, and why.
 */
export interface TopicPublication {
  domain: DomainName;
  purpose: string;
}
export interface Dataset {
  name: SqlName;
  description: string;
  /**
   * silver: typed table from a topic (its raw bronze table is generated); gold: aggregate over datasets.
   */
  layer: "silver" | "gold";
  owner?: Owner;
  source: Source;
  /**
   * false for reference data shared by all tenants (no personal data allowed).
   */
  tenantScoped?: boolean;
  tenantKey?: SqlName;
  subjectKey?: SqlName;
  sequenceBy?: SqlName1;
  /**
   * How a keyed silver dataset keeps changes: 1 (default) keeps the latest row per key; 2 keeps every version, with __START_AT and __END_AT (the sequenceBy values the version was current from and until; __END_AT is NULL on the current version).
   */
  scdType?: 1 | 2;
  /**
   * Liquid clustering keys; the tenant key is put first.
   *
   * @minItems 1
   * @maxItems 4
   */
  clusterBy?: SqlName[];
  partitionBy?: Partitioning;
  retention?: Retention;
  legalHold?: LegalHold;
  /**
   * @maxItems 32
   */
  expectations?: Expectation[];
  aggregate?: Aggregate;
  contract: Contract;
  access?: Persona[];
  /**
   * @minItems 1
   * @maxItems 200
   */
  columns: Column[];
}
/**
 * Silver datasets read one topic of this domain; gold datasets read datasets.
 */
export interface Source {
  topic?: TopicName;
  /**
   * @minItems 1
   * @maxItems 4
   */
  datasets?: DatasetRef[];
}
export interface DatasetRef {
  domain?: DomainName;
  dataset: SqlName;
  join?: Join;
}
/**
 * How this source joins the first one. Required on every source but the first. The tenant key is always a join key.
 */
export interface Join {
  /**
   * @minItems 1
   * @maxItems 4
   */
  on: SqlName[];
  type?: "inner" | "left";
}
/**
 * Hive-style partitioning. Liquid clustering is the default; partitioning needs a reason.
 */
export interface Partitioning {
  /**
   * @minItems 1
   * @maxItems 2
   */
  columns: SqlName[];
  reason?: string;
}
export interface Retention {
  period: Duration;
  column: SqlName;
}
/**
 * A legal obligation to keep the dataset's personal data (GDPR Art. 17(3)(b)): an erasure request restricts the subject's rows still within the period (hidden from every persona but the GDPR officer and the legal-hold role) instead of deleting them; the retention job deletes them once the period has passed, measured on the retention column.
 */
export interface LegalHold {
  /**
   * The law and what it asks, e.g. "§147 AO: tax records 10 years".
   */
  obligation: string;
  period: Duration1;
}
export interface Expectation {
  name: SqlName;
  /**
   * One boolean SQL predicate over the dataset's columns.
   */
  predicate: string;
  onViolation: "warn" | "drop" | "fail";
}
/**
 * A gold dataset: group the sources by the tenant key plus groupBy, and compute measures.
 */
export interface Aggregate {
  /**
   * @maxItems 8
   */
  groupBy: SqlName[];
  /**
   * @minItems 1
   * @maxItems 32
   */
  measures: Measure[];
  /**
   * Optional boolean predicate applied before grouping.
   */
  filter?: string;
}
export interface Measure {
  name: SqlName;
  function: "count" | "count_distinct" | "sum" | "avg" | "min" | "max";
  column?: SqlName;
}
export interface Contract {
  /**
   * Semantic version of the dataset's contract.
   */
  version: string;
  /**
   * draft: not yet readable by others; active: published; deprecated: on its way out; retired: no longer produced.
   */
  lifecycle: "draft" | "active" | "deprecated" | "retired";
}
/**
 * A column, named like an Open Data Contract Standard v3.1 property.
 */
export interface Column {
  name: SqlName;
  /**
   * Databricks SQL type. No spaces inside type parameters.
   */
  physicalType: string;
  /**
   * ODCS logical type; derived from physicalType when omitted.
   */
  logicalType?: "string" | "date" | "timestamp" | "number" | "integer" | "boolean" | "array" | "object";
  required?: boolean;
  primaryKey?: boolean;
  description: string;
  /**
   * Confidentiality class.
   */
  classification?: "public" | "internal" | "confidential" | "restricted";
  /**
   * GDPR classification of the column, or false (with a reason) for a column that looks personal and is not.
   */
  personalData?: PersonalData | false;
  /**
   * Why a column that looks like personal data is not (only with personalData: false). Shown in review, in plan.md and in the column comment (Unity Catalog, DataHub).
   */
  reason?: string;
  /**
   * Example values (ODCS examples). The sample generator draws from them; they are never personal data.
   *
   * @minItems 1
   * @maxItems 20
   */
  examples?: (string | number | boolean)[];
}
/**
 * GDPR classification of a column.
 */
export interface PersonalData {
  /**
   * Personal-data category. Selects the mask function governance.mask_<category>.
   */
  category:
    | "identifier"
    | "email"
    | "name"
    | "phone"
    | "address"
    | "national_id"
    | "date_of_birth"
    | "financial"
    | "online_identifier"
    | "free_text";
  /**
   * What an erasure request does to this column: delete the row, or anonymize the value in place.
   */
  erasure: "delete" | "anonymize";
  /**
   * GDPR Article 6 lawful basis.
   */
  legalBasis: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
  purpose: string;
}
/**
 * A read of another domain's data by this domain. The owner's pipeline grants and Kafka ACLs are planned from it.
 */
export interface Consumer {
  domain: DomainName;
  datasets?: SqlName[];
  topics?: TopicName[];
  /**
   * Contract major versions of the producer's datasets this domain has moved to, by dataset name (a topic carries the major of the dataset it feeds). lakemesh diff holds a breaking change until every consumer accepts its new major.
   */
  acceptedMajors?: {
    [k: string]: number | undefined;
  };
  purpose: string;
}
