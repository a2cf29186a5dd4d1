// One Open Data Contract Standard v3.1.0 document per dataset, from its manifest and the pipeline contract a stack
// compiles from it (https://github.com/bitol-io/open-data-contract-standard, docs/README.md for each section):
// schema (columns as properties), quality (the dataset's expectations as SQL checks), SLA (freshness, retention,
// availability, update frequency), roles (the groups granted SELECT), team and support (the owner), servers
// (the Unity Catalog schema, and the Kafka cluster for topic-fed datasets), and GDPR fields as custom properties,
// which ODCS has no first-class place for.
import { compileContract, domainGroup, meshPlatformNames, topicMajor, topicName, type ContractDataset, type Settings } from "../compile";
import { consumersOf, meshOf } from "../compile/model";
import { effectiveOwner, impliedLogicalType, pipelineMode, tenantKeyOf, type Column, type Dataset, type DomainManifest } from "../manifest";

export const ODCS_API_VERSION = "v3.1.0";

type Json = Record<string, unknown>;
const prop = (property: string, value: unknown, description?: string): Json => ({ property, value, ...(description ? { description } : {}) });

/** A row violates an expectation when its predicate is false or NULL, as Databricks expectations count it. */
function qualityOf(ds: ContractDataset): Json[] {
  return ds.expectations.map((e) => ({
    id: e.name,
    name: e.name,
    type: "sql",
    description: `Every row satisfies ${e.predicate}; on violation the pipeline ${e.action === "warn" ? "keeps the row and records a warning" : e.action === "drop" ? "drops the row" : "stops the update"}.`,
    // {object} is replaced by the table name by contract tools (ODCS docs/data-quality.md, "SQL").
    query: `SELECT COUNT(*) FROM {object} WHERE NOT COALESCE((${e.predicate}), FALSE)`,
    mustBe: 0,
    dimension: e.name.startsWith("lm__required__") || e.name === "lm__valid_tenant" ? "completeness" : "conformity",
    severity: e.action === "warn" ? "warning" : "error",
    customProperties: [prop("onViolation", e.action)],
  }));
}

function propertyOf(c: Column, compiled: ContractDataset, ds: Dataset, position: Map<string, number>): Json {
  const cc = compiled.columns.find((x) => x.name === c.name);
  const pd = c.personalData;
  const partition = (ds.partitionBy?.columns ?? []).indexOf(c.name);
  return {
    id: c.name,
    name: c.name,
    physicalName: c.name,
    logicalType: c.logicalType ?? impliedLogicalType(c.physicalType),
    physicalType: c.physicalType,
    description: c.description,
    required: c.required === true,
    ...(c.primaryKey ? { primaryKey: true, primaryKeyPosition: position.get(c.name) } : {}),
    ...(partition >= 0 ? { partitioned: true, partitionKeyPosition: partition + 1 } : {}),
    classification: c.classification ?? "internal",
    ...(c.examples ? { examples: [...c.examples] } : {}),
    ...(pd || c.name === tenantKeyOf(ds) ? { criticalDataElement: true } : {}),
    ...(pd ? { tags: ["personal-data", `personal-data:${pd.category}`] } : {}),
    ...(pd
      ? {
          customProperties: [
            prop("personalData", true),
            prop("personalDataCategory", pd.category),
            prop("erasure", pd.erasure, "What the erasure job does to the value when the person asks to be forgotten."),
            prop("legalBasis", pd.legalBasis, "GDPR Art. 6 legal basis of the processing."),
            prop("processingPurpose", pd.purpose),
            ...(cc?.mask ? [prop("maskFunction", cc.mask, "Unity Catalog column mask applied to readers without clearance.")] : []),
          ],
        }
      : {}),
    // A column that looks personal and is not says why (validate requires the reason); reviewers read it here too.
    ...(pd === false ? { customProperties: [prop("personalData", false), prop("notPersonalReason", c.reason ?? "")] } : {}),
  };
}

/** The ODCS document of one dataset, for a stack's settings (its catalog, hosts and groups). */
export function odcsContract(s: Settings, manifests: readonly DomainManifest[], domain: DomainManifest, ds: Dataset): Json {
  const d = domain.metadata.name;
  // The masks the platform declares for this mesh: a numeric personal column takes the mask of its own type.
  const compiled = compileContract(s, meshPlatformNames(s.catalog, meshOf(manifests)), domain).datasets.find((x) => x.name === ds.name)!;
  const owner = effectiveOwner(domain, ds);
  const pk = ds.columns.filter((c) => c.primaryKey).map((c) => c.name);
  const topic = (domain.spec.topics ?? []).find((t) => t.name === ds.source.topic);
  const readers = consumersOf(meshOf(manifests), d).filter((c) => c.datasets.includes(ds.name));
  const schedule = domain.spec.pipeline?.schedule;
  const [catalog, schema, table] = compiled.table.split(".");
  return {
    apiVersion: ODCS_API_VERSION,
    kind: "DataContract",
    id: `${d}.${ds.name}`,
    name: ds.name,
    version: ds.contract.version,
    status: ds.contract.lifecycle,
    domain: d,
    tags: [...(domain.metadata.tags ?? []), ds.layer],
    description: {
      purpose: ds.description,
      usage: `${d} publishes it as ${compiled.table}. Read it through Unity Catalog; another domain declares the read in its manifest's spec.consumers.`,
      limitations: [
        tenantKeyOf(ds) ? `Rows are filtered to the reader's tenant (row filter on ${tenantKeyOf(ds)}).` : "Shared by all tenants.",
        compiled.columns.some((c) => c.mask) ? "Personal columns are masked for readers without clearance." : "",
        ds.retention ? `Rows older than ${ds.retention.period} (on ${ds.retention.column}) are deleted nightly.` : "",
      ]
        .filter(Boolean)
        .join(" "),
    },
    servers: [
      { server: `databricks-${s.env}`, type: "databricks", environment: s.env, host: s.databricks.host.replace(/^https?:\/\//, ""), catalog, schema },
      ...(topic
        ? [{ server: `kafka-${s.env}`, type: "kafka", environment: s.env, host: s.kafka.bootstrapServers.join(","), format: "json", customProperties: [prop("topic", topicName(d, topic.name, topicMajor(domain, topic)))] }]
        : []),
    ],
    schema: [
      {
        id: ds.name,
        name: ds.name,
        physicalName: table,
        physicalType: compiled.kind === "streaming_table" ? "table" : "materialized view",
        logicalType: "object",
        description: ds.description,
        ...(ds.aggregate ? { dataGranularityDescription: `One row per ${[tenantKeyOf(ds), ...ds.aggregate.groupBy].filter(Boolean).join(", ")}` } : {}),
        properties: ds.columns.map((c) => propertyOf(c, compiled, ds, new Map(pk.map((n, i) => [n, i + 1])))),
        quality: qualityOf(compiled),
      },
    ],
    support: [{ channel: owner.team, tool: "email", url: `mailto:${owner.contact}`, scope: "issues", description: `Support hours: ${domain.spec.sla.supportHours}.` }],
    team: { name: owner.team, members: [{ username: owner.contact, role: "owner" }] },
    roles: [
      ...(ds.access ?? []).map((p) => ({ role: s.personas[p], access: "read", description: `Persona ${p}: SELECT, through the tenant row filter and column masks.`, customProperties: [prop("persona", p)] })),
      ...readers.map((r) => ({ role: domainGroup(s, r.consumer.metadata.name), access: "read", description: `Domain ${r.consumer.metadata.name}: ${r.purpose}`, customProperties: [prop("consumerDomain", r.consumer.metadata.name)] })),
    ],
    slaProperties: [
      { id: "latency", property: "latency", value: domain.spec.sla.freshness, description: "Age of the newest row at most (ISO 8601 duration)." },
      { id: "availability", property: "availability", value: domain.spec.sla.availability, unit: "percent" },
      ...(pipelineMode(domain) === "continuous"
        ? [{ id: "frequency", property: "frequency", value: "continuous", description: "The pipeline runs continuously." }]
        : schedule
          ? [{ id: "frequency", property: "frequency", value: schedule, scheduler: "quartz-cron", description: "Pipeline updates (Databricks job schedule, Quartz cron)." }]
          : []),
      ...(ds.retention ? [{ id: "retention", property: "retention", value: ds.retention.period, element: `${ds.name}.${ds.retention.column}`, driver: "regulatory", description: "Rows older than this are deleted (GDPR storage limitation)." }] : []),
    ],
    customProperties: [
      prop("layer", ds.layer),
      prop("tenantKey", tenantKeyOf(ds) ?? null),
      prop("subjectKey", ds.subjectKey ?? null),
      prop("personalColumns", compiled.columns.filter((c) => c.personalData).map((c) => c.name)),
      prop("upstream", [...compiled.upstream]),
    ],
  };
}

/** Every dataset's document, keyed by `<domain>/<dataset>.odcs.yaml` (SchemaStore matches *.odcs.yaml). */
export function odcsContracts(s: Settings, manifests: readonly DomainManifest[], only?: string): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const m of [...manifests].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
    if (only && m.metadata.name !== only) continue;
    for (const ds of m.spec.datasets) out.set(`${m.metadata.name}/${ds.name}.odcs.yaml`, odcsContract(s, manifests, m, ds));
  }
  return out;
}
