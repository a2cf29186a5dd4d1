import { createHash } from "crypto";
import { findColumn, primaryKeyColumns, refDomain, tenantKeyOf, type Column, type Dataset, type DomainManifest } from "../manifest";
import { commentLiteral, qualified, qualifiedName } from "../sql";
import { stableJson } from "./json";
import { kafkaSecurity } from "./kafka";
import { datasetOfTopic, topicMajor } from "./model";
import { bronzeTableName, consumerGroupPrefix, governanceNames, QUARANTINE_TABLE, schemaName, topicName } from "./naming";
import { maskKey } from "./masks";
import type { Category, PlatformNames } from "./platform-names";
import type { Settings } from "./settings";

/** Bumped when the contract's shape changes in a way the pipeline module must know about. */
export const CONTRACT_FORMAT = 2;

export interface ContractColumn {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly comment: string;
  /** Fully qualified mask function, for personal columns of tenant datasets. */
  readonly mask?: string;
  readonly personalData?: { readonly category: string; readonly erasure: "delete" | "anonymize" };
}

export interface ContractExpectation {
  readonly name: string;
  readonly predicate: string;
  readonly action: "warn" | "drop" | "fail";
}

export type ContractSource =
  | { readonly kind: "kafka"; readonly topic: string; readonly tenantField: string | null; readonly subjectField: string | null }
  | {
      readonly kind: "bronze";
      readonly table: string;
      readonly payloadSchema: string;
      readonly readOptions: Readonly<Record<string, string>>;
      /** Only events of tenants registered in governance.tenant_principals pass to silver; the rest stay in bronze. */
      readonly registeredTenantsOnly: boolean;
    }
  | {
      readonly kind: "aggregate";
      readonly inputs: readonly {
        readonly table: string;
        readonly join: { readonly on: readonly string[]; readonly type: "inner" | "left" } | null;
        /** The input keeps every version (scdType 2): gold reads the current ones (__END_AT IS NULL). */
        readonly currentOnly: boolean;
      }[];
      readonly filter: string | null;
      readonly groupBy: readonly string[];
      readonly measures: readonly { readonly name: string; readonly function: string; readonly column: string | null }[];
      /** Inputs are joined with governance.tenant_principals: rows of unregistered tenants never reach gold. */
      readonly registeredTenantsOnly: boolean;
    }
  | {
      /** Per tenant and topic, the bronze events of tenants not registered in governance.tenant_principals. */
      readonly kind: "quarantine";
      readonly inputs: readonly string[];
    };

/**
 * A keyed silver dataset: an upsert by `keys` (the tenant key, then the primary key) ordered by `sequenceBy`.
 * SCD type 1 keeps the latest row per key; type 2 keeps every version with __START_AT and __END_AT.
 */
export interface ContractKeyed {
  readonly keys: readonly string[];
  readonly sequenceBy: string;
  readonly scdType: 1 | 2;
}

export interface ContractDataset {
  readonly name: string;
  /** catalog.schema.table, unquoted. */
  readonly table: string;
  readonly layer: "bronze" | "silver" | "gold";
  readonly kind: "streaming_table" | "materialized_view";
  readonly comment: string;
  readonly columns: readonly ContractColumn[];
  /** Column list as Databricks SQL DDL, with COMMENT and MASK clauses. */
  readonly schema: string;
  /**
   * `ROW FILTER <fn> ON (<tenant key>)` for tenant tables, `ROW FILTER <held fn> ON (<tenant key>, <subject key>)` for
   * the tables of a dataset under a legal hold; null for shared ones.
   */
  readonly rowFilter: string | null;
  readonly clusterBy: readonly string[];
  readonly partitionBy: readonly string[];
  readonly tableProperties: Readonly<Record<string, string>>;
  readonly expectations: readonly ContractExpectation[];
  readonly tenantKey: string | null;
  readonly subjectKey: string | null;
  readonly retention: { readonly period: string; readonly column: string } | null;
  /** A legal hold (silver and gold datasets that declare one): erasure restricts, retention deletes after the period. */
  readonly legalHold: { readonly obligation: string; readonly period: string } | null;
  /** Silver datasets with a primary key; null for bronze, gold and silver without a key (append-only). */
  readonly keyed: ContractKeyed | null;
  readonly source: ContractSource;
  /** Upstream datasets (catalog.schema.table) or topics (kafka:<topic>). */
  readonly upstream: readonly string[];
}

/** Everything the shared pipeline module needs to declare a domain's datasets; it reads nothing else. */
export interface PipelineContract {
  readonly format: number;
  readonly domain: string;
  readonly env: string;
  readonly catalog: string;
  readonly schema: string;
  readonly kafka: {
    readonly bootstrapServers: string;
    readonly securityProtocol: "SASL_SSL" | "SASL_PLAINTEXT" | "PLAINTEXT";
    readonly saslMechanism: "SCRAM-SHA-512" | null;
    readonly groupIdPrefix: string;
    readonly startingOffsets: "earliest";
    /** Retention may delete offsets a stopped stream has not read yet; that is expected, not an error. */
    readonly failOnDataLoss: false;
  };
  readonly governance: {
    readonly tenantFilter: string;
    /** The row filter of held datasets' tables (the tenant rule, and the legal-hold restriction list). */
    readonly tenantFilterHeld: string;
    /** Subjects whose salted hash is listed here are dropped at ingest. */
    readonly erasureSuppression: string;
    /** The registered tenants: silver and gold hold rows of these tenants only. */
    readonly tenantPrincipals: string;
    /** The subject-hash salt's fingerprint: ingest stops when the salt it reads does not match it. */
    readonly saltFingerprint: string;
  };
  /** In dependency order: bronze, the tenant quarantine, silver, then gold (gold after the gold it reads). */
  readonly datasets: readonly ContractDataset[];
}

/** Columns of every generated bronze table, after the extracted tenant and subject keys. */
const KAFKA_COLUMNS: ContractColumn[] = [
  { name: "kafka_topic", type: "STRING", nullable: false, comment: "Topic the event was read from." },
  { name: "kafka_partition", type: "INT", nullable: false, comment: "Partition of the event." },
  { name: "kafka_offset", type: "BIGINT", nullable: false, comment: "Offset of the event in its partition." },
  { name: "kafka_timestamp", type: "TIMESTAMP", nullable: false, comment: "Broker timestamp of the event." },
  { name: "ingested_at", type: "TIMESTAMP", nullable: false, comment: "When the pipeline read the event." },
];

function columnDdl(c: ContractColumn, tenantKey: string | null): string {
  let ddl = `${qualified(c.name)} ${c.type}`;
  if (!c.nullable) ddl += " NOT NULL";
  ddl += ` COMMENT ${commentLiteral(c.comment)}`;
  if (c.mask) ddl += ` MASK ${qualifiedName(c.mask)}` + (tenantKey ? ` USING COLUMNS (${qualified(tenantKey)})` : "");
  return ddl;
}

function tableProperties(s: Settings, domain: string, layer: string, version: string, columns: readonly ContractColumn[], extra: Record<string, string> = {}): Record<string, string> {
  return {
    // Statistics are kept only for columns without personal data: min/max values in _delta_log outlive VACUUM.
    // Delta keeps none for BOOLEAN, BINARY, ARRAY and MAP columns and refuses them in this list.
    "delta.dataSkippingStatsColumns": columns
      .filter((c) => !c.personalData && c.name !== "value" && !/^(BOOLEAN|BINARY|ARRAY<|MAP<)/.test(c.type))
      .map((c) => c.name)
      .join(","),
    "delta.deletedFileRetentionDuration": `interval ${s.databricks.vacuumRetentionHours} hours`,
    "delta.enableDeletionVectors": "true",
    // Change data feed writes the rows of every UPDATE, DELETE and MERGE again, to _change_data, kept until VACUUM
    // (https://docs.databricks.com/aws/en/delta/delta-change-data-feed): another copy of personal data. Off, and
    // explicitly, so a workspace or session default (spark.databricks.delta.properties.defaults.enableChangeDataFeed)
    // cannot turn it on. Nothing in the mesh reads a change feed: silver reads bronze with skipChangeCommits.
    ...(columns.some((c) => c.personalData) ? { "delta.enableChangeDataFeed": "false" } : {}),
    "delta.logRetentionDuration": "interval 30 days",
    "lakemesh.contract_version": version,
    "lakemesh.domain": domain,
    "lakemesh.layer": layer,
    ...extra,
  };
}

/** The platform's mask of a personal column: its category's, of exactly the column's type (lib/compile/masks.ts). */
function maskOf(names: PlatformNames, category: Category, type: string): string {
  const key = maskKey(category, type);
  const fn = names.masks[key];
  if (!fn) {
    throw new Error(`the platform declares no mask for ${category} columns of type ${type} (mask_${key}); it declares one per (category, type) of its mesh: deploy the platform stack with this manifest first`);
  }
  return fn;
}

/**
 * The column comment: its description, and for a column declared `personalData: false` the reason, so Unity Catalog
 * and DataHub (which ingests column comments) show why a column that looks personal is not.
 */
function columnComment(c: Column): string {
  return c.personalData === false && c.reason ? `${c.description} Not personal data: ${c.reason}` : c.description;
}

function contractColumn(c: Column, names: PlatformNames, tenantScoped: boolean): ContractColumn {
  const personal = c.personalData ? { category: c.personalData.category, erasure: c.personalData.erasure } : undefined;
  return {
    name: c.name,
    type: c.physicalType,
    nullable: c.required !== true,
    comment: columnComment(c),
    ...(personal && tenantScoped ? { mask: maskOf(names, personal.category, c.physicalType) } : {}),
    ...(personal ? { personalData: personal } : {}),
  };
}

function clusterKeys(ds: Dataset): string[] {
  if (ds.partitionBy) return [];
  const tk = tenantKeyOf(ds);
  const keys = [...(tk ? [tk] : []), ...(ds.clusterBy ?? []).filter((k) => k !== tk)];
  return keys.slice(0, 4);
}

function expectationsOf(ds: Dataset, generated: ContractExpectation[]): ContractExpectation[] {
  return [...generated, ...(ds.expectations ?? []).map((e) => ({ name: e.name, predicate: e.predicate, action: e.onViolation }))];
}

/** Names with a double underscore cannot clash with manifest names (the schema forbids "__"). */
const VALID_TENANT = "lm__valid_tenant";
const required = (col: string) => `lm__required__${col}`;

function fq(catalog: string, domain: string, table: string): string {
  return `${catalog}.${schemaName(domain)}.${table}`;
}

function rowFilter(names: PlatformNames, tenantKey: string | null, heldSubject: string | null = null): string | null {
  if (!tenantKey) return null;
  // A table has one row filter, so a held table's filter carries the tenant rule as well; it takes the subject key
  // too ("ROW FILTER func_name ON ( [ column_name | constant_literal [, ...] ] )":
  // https://docs.databricks.com/aws/en/sql/language-manual/sql-ref-syntax-ddl-row-filter).
  if (heldSubject) return `ROW FILTER ${qualifiedName(names.tenantFilterHeld)} ON (${qualified(tenantKey)}, ${qualified(heldSubject)})`;
  return `ROW FILTER ${qualifiedName(names.tenantFilter)} ON (${qualified(tenantKey)})`;
}

/** What silver and gold datasets declare alike: the table, its columns and masks, row filter, layout and properties. */
function declaredTable(s: Settings, names: PlatformNames, domain: DomainManifest, ds: Dataset, layer: "silver" | "gold", generated: ContractExpectation[]) {
  const d = domain.metadata.name;
  const tk = tenantKeyOf(ds) ?? null;
  const columns = ds.columns.map((c) => contractColumn(c, names, tk !== null));
  return {
    name: ds.name,
    table: fq(names.catalog, d, ds.name),
    layer,
    kind: layer === "silver" ? ("streaming_table" as const) : ("materialized_view" as const),
    comment: ds.description,
    columns,
    schema: columns.map((c) => columnDdl(c, tk)).join(", "),
    rowFilter: rowFilter(names, tk, ds.legalHold ? ds.subjectKey ?? null : null),
    clusterBy: clusterKeys(ds),
    partitionBy: ds.partitionBy?.columns ?? [],
    // A full refresh recomputes a streaming table from its source, whose (bronze) rows of an erased subject are gone:
    // it would drop the rows the hold keeps. Refused on held silver, as on bronze
    // (https://docs.databricks.com/aws/en/ldp/properties, pipelines.reset.allowed).
    tableProperties: tableProperties(s, d, layer, ds.contract.version, columns, ds.legalHold && layer === "silver" ? { "pipelines.reset.allowed": "false" } : {}),
    expectations: expectationsOf(ds, [...(tk ? [{ name: VALID_TENANT, predicate: `${tk} IS NOT NULL`, action: "drop" as const }] : []), ...generated]),
    tenantKey: tk,
    subjectKey: ds.subjectKey ?? null,
    retention: ds.retention ? { period: ds.retention.period, column: ds.retention.column } : null,
    legalHold: ds.legalHold ? { obligation: ds.legalHold.obligation, period: ds.legalHold.period } : null,
    keyed: null,
  };
}

/** Columns AUTO CDC adds to an SCD type 2 target, typed as the sequence column; the names cannot clash (no "__" in manifest names). */
export const SCD2_COLUMNS = ["__START_AT", "__END_AT"] as const;

/**
 * A silver dataset with a primary key is keyed by its tenant key and primary key (so two tenants' rows with the same
 * id never replace each other), ordered by sequenceBy; without a primary key it is append-only.
 */
function keyedOf(ds: Dataset): ContractKeyed | null {
  const pk = primaryKeyColumns(ds);
  if (ds.layer !== "silver" || pk.length === 0 || ds.sequenceBy === undefined) return null;
  const tk = tenantKeyOf(ds);
  return { keys: [...new Set([...(tk ? [tk] : []), ...pk])], sequenceBy: ds.sequenceBy, scdType: ds.scdType ?? 1 };
}

/**
 * The Databricks target schema of an SCD type 2 table must declare __START_AT and __END_AT with the sequence column's
 * type (https://docs.databricks.com/aws/en/ldp/developer/ldp-python-ref-apply-changes).
 */
function historyDdl(ds: Dataset, keyed: ContractKeyed | null): string {
  if (keyed?.scdType !== 2) return "";
  const type = findColumn(ds, keyed.sequenceBy)!.physicalType;
  // Upper-case constants, which the lower-case identifier check refuses: quoted here, as they are fixed.
  return SCD2_COLUMNS.map((c) => `, \`${c}\` ${type} COMMENT ${commentLiteral(c === "__START_AT" ? `${keyed.sequenceBy} from which this version is current.` : `${keyed.sequenceBy} until which this version was current; NULL on the current version.`)}`).join("");
}

function bronzeDataset(s: Settings, names: PlatformNames, domain: DomainManifest, topicIndex: number): ContractDataset {
  const d = domain.metadata.name;
  const t = domain.spec.topics![topicIndex];
  const fed = datasetOfTopic(domain, t);
  const tk = fed ? tenantKeyOf(fed) ?? null : null;
  const sk = fed?.subjectKey ?? null;
  const tenantScoped = tk !== null;
  const columns: ContractColumn[] = [
    ...(tenantScoped ? [{ name: "tenant_id", type: "STRING", nullable: false, comment: `Tenant, extracted from the payload field ${tk} at ingest.` }] : []),
    ...(sk
      ? [{ name: "subject_id", type: "STRING", nullable: true, comment: `Data subject, extracted from the payload field ${sk} at ingest.`, mask: names.masks.identifier, personalData: { category: "identifier", erasure: "delete" as const } }]
      : []),
    {
      name: "value",
      type: "STRING",
      nullable: true,
      comment: "The raw event payload (JSON).",
      ...(t.personalData ? { personalData: { category: "free_text", erasure: "delete" as const }, ...(tenantScoped ? { mask: names.masks.free_text } : {}) } : {}),
    },
    ...KAFKA_COLUMNS,
  ];
  const physical = topicName(d, t.name, topicMajor(domain, t));
  const name = bronzeTableName(t.name);
  const retention = fed?.retention ? { period: fed.retention.period, column: "kafka_timestamp" } : null;
  return {
    name,
    table: fq(names.catalog, d, name),
    layer: "bronze",
    kind: "streaming_table",
    comment: `Raw events of topic ${physical}, kept for replay and erasure.`,
    columns,
    schema: columns.map((c) => columnDdl(c, tenantScoped ? "tenant_id" : null)).join(", "),
    rowFilter: rowFilter(names, tenantScoped ? "tenant_id" : null),
    clusterBy: tenantScoped ? ["tenant_id", "kafka_timestamp"] : ["kafka_timestamp"],
    partitionBy: [],
    // A full refresh would re-read only what Kafka still retains and lose the rest: bronze is never reset.
    tableProperties: tableProperties(s, d, "bronze", fed?.contract.version ?? "1.0.0", columns, { "pipelines.reset.allowed": "false" }),
    expectations: tenantScoped ? [{ name: VALID_TENANT, predicate: "tenant_id IS NOT NULL", action: "drop" }] : [],
    tenantKey: tenantScoped ? "tenant_id" : null,
    subjectKey: sk ? "subject_id" : null,
    retention,
    legalHold: null,
    keyed: null,
    source: { kind: "kafka", topic: physical, tenantField: tk, subjectField: sk },
    upstream: [`kafka:${physical}`],
  };
}

function silverDataset(s: Settings, names: PlatformNames, domain: DomainManifest, ds: Dataset): ContractDataset {
  const tk = tenantKeyOf(ds) ?? null;
  const bronze = fq(names.catalog, domain.metadata.name, bronzeTableName(ds.source.topic!));
  const notNull = ds.columns.filter((c) => c.required === true && c.name !== tk).map((c) => ({ name: required(c.name), predicate: `${c.name} IS NOT NULL`, action: "drop" as const }));
  const table = declaredTable(s, names, domain, ds, "silver", notNull);
  const keyed = keyedOf(ds);
  return {
    ...table,
    schema: table.schema + historyDdl(ds, keyed),
    keyed,
    source: {
      kind: "bronze",
      table: bronze,
      payloadSchema: ds.columns.map((c) => `${qualified(c.name)} ${c.physicalType}`).join(", "),
      // Erasure deletes from bronze; a streaming read must skip those commits instead of failing on them.
      readOptions: { skipChangeCommits: "true" },
      registeredTenantsOnly: tk !== null,
    },
    upstream: [bronze],
  };
}

/**
 * Per tenant and topic, the events bronze holds of tenants not registered in governance.tenant_principals: they never
 * reach silver or gold, and stay in bronze for its retention so a late onboarding can replay them. A materialized
 * view of the domain's pipeline, recomputed on every update; its row filter shows unregistered tenants to internal
 * personas only, and no reader persona is granted it (compileTableGrants).
 */
function quarantineDataset(s: Settings, names: PlatformNames, domain: DomainManifest, bronze: readonly ContractDataset[]): ContractDataset | null {
  const inputs = bronze.filter((b) => b.tenantKey !== null).map((b) => b.table);
  if (inputs.length === 0) return null;
  const d = domain.metadata.name;
  const columns: ContractColumn[] = [
    { name: "tenant_id", type: "STRING", nullable: false, comment: "Tenant not registered in governance.tenant_principals." },
    { name: "kafka_topic", type: "STRING", nullable: false, comment: "Topic its events came from." },
    { name: "events", type: "BIGINT", nullable: false, comment: "Events of the tenant bronze holds for that topic." },
    { name: "first_event_at", type: "TIMESTAMP", nullable: false, comment: "Broker time of the oldest one." },
    { name: "last_event_at", type: "TIMESTAMP", nullable: false, comment: "Broker time of the newest one." },
  ];
  return {
    name: QUARANTINE_TABLE,
    table: fq(names.catalog, d, QUARANTINE_TABLE),
    layer: "bronze",
    kind: "materialized_view",
    comment: "Events held in bronze for tenants that are not registered: register the tenant, then replay them (domains/README.md).",
    columns,
    schema: columns.map((c) => columnDdl(c, "tenant_id")).join(", "),
    rowFilter: rowFilter(names, "tenant_id"),
    clusterBy: ["tenant_id"],
    partitionBy: [],
    tableProperties: tableProperties(s, d, "bronze", "1.0.0", columns),
    expectations: [],
    tenantKey: "tenant_id",
    subjectKey: null,
    retention: null,
    legalHold: null,
    keyed: null,
    source: { kind: "quarantine", inputs },
    upstream: inputs,
  };
}

function goldDataset(s: Settings, names: PlatformNames, domain: DomainManifest, ds: Dataset): ContractDataset {
  const tk = tenantKeyOf(ds) ?? null;
  const agg = ds.aggregate!;
  const own = domain.metadata.name;
  const inputs = (ds.source.datasets ?? []).map((r) => ({
    table: fq(names.catalog, refDomain(domain, r), r.dataset),
    join: r.join ? { on: [...new Set([...(tk ? [tk] : []), ...r.join.on])], type: r.join.type ?? ("inner" as const) } : null,
    // Only this domain's datasets can keep history for a gold source (rule sequence-by), so this manifest knows.
    currentOnly: refDomain(domain, r) === own && domain.spec.datasets.find((x) => x.name === r.dataset)?.scdType === 2,
  }));
  return {
    ...declaredTable(s, names, domain, ds, "gold", []),
    source: {
      kind: "aggregate",
      inputs,
      filter: agg.filter ?? null,
      groupBy: [...(tk ? [tk] : []), ...agg.groupBy],
      measures: agg.measures.map((m) => ({ name: m.name, function: m.function, column: m.column ?? null })),
      // Silver already holds registered tenants only; gold checks again, so a tenant removed later leaves gold too.
      registeredTenantsOnly: tk !== null,
    },
    upstream: inputs.map((i) => i.table),
  };
}

/** Gold datasets after the gold datasets of the same domain they read. */
function goldOrder(domain: DomainManifest): Dataset[] {
  const own = domain.metadata.name;
  const gold = domain.spec.datasets.filter((x) => x.layer === "gold");
  const done = new Set<string>();
  const out: Dataset[] = [];
  const visit = (ds: Dataset) => {
    if (done.has(ds.name)) return;
    done.add(ds.name);
    for (const r of ds.source.datasets ?? []) {
      const dep = refDomain(domain, r) === own ? gold.find((g) => g.name === r.dataset) : undefined;
      if (dep) visit(dep);
    }
    out.push(ds);
  };
  gold.forEach(visit);
  return out;
}

/** The compiled pipeline contract of one domain. Pure: the same inputs give the same bytes. */
export function compileContract(s: Settings, names: PlatformNames, domain: DomainManifest): PipelineContract {
  const d = domain.metadata.name;
  const { sasl, protocol } = kafkaSecurity(s);
  const bronze = (domain.spec.topics ?? []).map((_, i) => bronzeDataset(s, names, domain, i));
  const quarantine = quarantineDataset(s, names, domain, bronze);
  return {
    format: CONTRACT_FORMAT,
    domain: d,
    env: s.env,
    catalog: names.catalog,
    schema: schemaName(d),
    kafka: {
      bootstrapServers: s.kafka.bootstrapServers.join(","),
      securityProtocol: protocol,
      saslMechanism: sasl ? "SCRAM-SHA-512" : null,
      groupIdPrefix: consumerGroupPrefix(s, d),
      startingOffsets: "earliest",
      failOnDataLoss: false,
    },
    // The governance schema's name is fixed (naming.ts), so the mapping table derives from the catalog.
    governance: { tenantFilter: names.tenantFilter, tenantFilterHeld: names.tenantFilterHeld, erasureSuppression: names.erasureSuppression, tenantPrincipals: governanceNames(names.catalog).tenantPrincipals, saltFingerprint: governanceNames(names.catalog).saltFingerprint },
    datasets: [
      ...bronze,
      ...(quarantine ? [quarantine] : []),
      ...domain.spec.datasets.filter((x) => x.layer === "silver").map((x) => silverDataset(s, names, domain, x)),
      ...goldOrder(domain).map((x) => goldDataset(s, names, domain, x)),
    ],
  };
}

/** The contract as uploaded: stable key order, two-space indent, trailing newline. */
export function contractJson(contract: PipelineContract): string {
  return stableJson(contract) + "\n";
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
