// DataHub metadata a domain's contracts add to what the Unity Catalog ingestion finds: the domain, one data product
// per dataset with its owner, glossary terms for the personal-data categories (on the datasets and their columns),
// and one data contract per dataset whose schema, freshness and data-quality assertions come from the compiled
// pipeline contract. Written as MCPs in the JSON form DataHub's file sink writes and its file source reads
// (https://docs.datahub.com/docs/metadata-ingestion/sink_docs/metadata-file), so `datahub check metadata-file`
// accepts it and the domain's ingestion CronJob loads it with a `file` source.
// URNs follow DataHub's own tooling: datasets as the unity-catalog source names them (platform databricks,
// catalog.schema.table, env PROD, include_metastore false by default:
// https://docs.datahub.com/docs/generated/ingestion/sources/databricks), contracts and assertions as
// `datahub datacontract upsert` names them (datahub.api.entities.datacontract: md5 of the sorted JSON key).
import { createHash } from "crypto";
import { stringify } from "yaml";
import { effectiveOwner, parseDuration, personalColumns, type Dataset, type DomainManifest } from "../manifest";
import { qualifiedName } from "../sql";
import { CATEGORIES, type Category } from "./platform-names";
import type { ContractColumn, ContractDataset, PipelineContract } from "./contract";

export interface Mcp {
  readonly entityType: string;
  readonly entityUrn: string;
  readonly changeType: "UPSERT";
  readonly aspectName: string;
  readonly aspect: { readonly json: Record<string, unknown> };
}

const mcp = (entityType: string, entityUrn: string, aspectName: string, json: Record<string, unknown>): Mcp => ({ entityType, entityUrn, changeType: "UPSERT", aspectName, aspect: { json } });

/** datahub.emitter.mce_builder.datahub_guid: md5 of the JSON with sorted keys and no spaces (ASCII urns only). */
export function datahubGuid(obj: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]]));
  return createHash("md5").update(JSON.stringify(sorted)).digest("hex");
}

export const datasetUrn = (table: string) => `urn:li:dataset:(urn:li:dataPlatform:databricks,${table},PROD)`;
export const domainUrn = (domain: string) => `urn:li:domain:${domain}`;
export const dataProductUrn = (domain: string, dataset: string) => `urn:li:dataProduct:${domain}.${dataset}`;
const GLOSSARY_NODE = "urn:li:glossaryNode:lakemesh.personal-data";
export const glossaryTermUrn = (c: Category) => `urn:li:glossaryTerm:lakemesh.personal-data.${c}`;
const groupUrn = (team: string) => `urn:li:corpGroup:${team}`;
const AUDIT = { time: 0, actor: "urn:li:corpuser:unknown" };

const CATEGORY_TEXT: Readonly<Record<Category, string>> = {
  identifier: "Identifies a person directly or by a system id (user id, account id).",
  email: "An e-mail address of a person.",
  name: "A person's name.",
  phone: "A telephone number of a person.",
  address: "A postal address of a person.",
  national_id: "A national identification or tax number.",
  date_of_birth: "A person's date of birth.",
  financial: "Bank account, card or other financial details of a person.",
  online_identifier: "An online identifier: IP address, device id, cookie id.",
  free_text: "Free text that may contain personal data.",
};

/** The glossary of personal-data categories, the same in every domain's file (upserts are idempotent). */
function glossary(): Mcp[] {
  return [
    mcp("glossaryNode", GLOSSARY_NODE, "glossaryNodeInfo", { customProperties: {}, definition: "Categories of personal data (GDPR Art. 4(1)) the lakemesh manifests declare; each decides a column's mask.", name: "Personal data" }),
    ...CATEGORIES.map((c) =>
      mcp("glossaryTerm", glossaryTermUrn(c), "glossaryTermInfo", { customProperties: {}, name: c, definition: CATEGORY_TEXT[c], parentNode: GLOSSARY_NODE, termSource: "INTERNAL" }),
    ),
  ];
}

const terms = (categories: readonly Category[]) => ({ terms: [...new Set(categories)].sort().map((urn) => ({ urn: glossaryTermUrn(urn) })), auditStamp: AUDIT });
const ownership = (team: string) => ({ owners: [{ owner: groupUrn(team), type: "TECHNICAL_OWNER" }], ownerTypes: {}, lastModified: AUDIT });

/** DataHub's field types (com.linkedin.schema) for the manifest's physical types. */
function fieldType(type: string): Record<string, unknown> {
  const t = /^(TINYINT|SMALLINT|INT|BIGINT|FLOAT|DOUBLE|DECIMAL)/.test(type)
    ? "NumberType"
    : type === "BOOLEAN"
      ? "BooleanType"
      : type === "DATE"
        ? "DateType"
        : type.startsWith("TIMESTAMP")
          ? "TimeType"
          : type === "BINARY"
            ? "BytesType"
            : type.startsWith("ARRAY<")
              ? "ArrayType"
              : type.startsWith("MAP<")
                ? "MapType"
                : "StringType";
  return { type: { [`com.linkedin.schema.${t}`]: {} } };
}

function schemaField(c: ContractColumn, primaryKey: readonly string[]): Record<string, unknown> {
  return { fieldPath: c.name, nullable: c.nullable, description: c.comment, type: fieldType(c.type), nativeDataType: c.type, recursive: false, isPartOfKey: primaryKey.includes(c.name) };
}

const SOURCE = { type: "EXTERNAL" };

/** The contract of one dataset and its assertions, named as `datahub datacontract upsert` would name them. */
function dataContract(ds: Dataset, compiled: ContractDataset, freshness: string, lifecycle: string): Mcp[] {
  const entity = datasetUrn(compiled.table);
  const contract = `urn:li:dataContract:${datahubGuid({ entity })}`;
  const assertion = (key: string, id: string) => `urn:li:assertion:${datahubGuid({ contract, entity, [key]: id })}`;
  const pk = ds.columns.filter((c) => c.primaryKey).map((c) => c.name);
  const schemaUrn = assertion("schema", "field-list");
  const freshnessUrn = assertion("freshness", "interval");
  const seconds = Math.round((parseDuration(freshness) ?? 0) / 1000);
  const quality = compiled.expectations.map((e) => ({
    urn: assertion("data_quality", e.name),
    json: {
      customProperties: { expectation: e.name, onViolation: e.action },
      type: "SQL",
      sqlAssertion: {
        type: "METRIC",
        entity,
        // Rows whose predicate is false or NULL, as Databricks expectations count violations; the predicate passed
        // the manifest's expectation rules at load time and names only the dataset's columns.
        statement: `SELECT COUNT(*) FROM ${qualifiedName(compiled.table)} WHERE NOT COALESCE((${e.predicate}), FALSE)`,
        changeType: "ABSOLUTE",
        operator: "EQUAL_TO",
        parameters: { value: { value: "0", type: "NUMBER" } },
      },
      source: SOURCE,
      description: `${e.name}: every row satisfies ${e.predicate} (on violation: ${e.action})`,
    },
  }));
  return [
    mcp("assertion", schemaUrn, "assertionInfo", {
      customProperties: {},
      type: "DATA_SCHEMA",
      schemaAssertion: {
        entity,
        schema: { schemaName: "", platform: "urn:li:dataPlatform:datahub", version: 0, created: AUDIT, lastModified: AUDIT, hash: "", platformSchema: { "com.linkedin.schema.Schemaless": {} }, fields: compiled.columns.map((c) => schemaField(c, pk)) },
        compatibility: "EXACT_MATCH",
      },
      source: SOURCE,
      description: `Columns of contract ${ds.contract.version}`,
    }),
    mcp("assertion", freshnessUrn, "assertionInfo", {
      customProperties: {},
      type: "FRESHNESS",
      freshnessAssertion: { type: "DATASET_CHANGE", entity, schedule: { type: "FIXED_INTERVAL", fixedInterval: { unit: "SECOND", multiple: seconds } } },
      source: SOURCE,
      description: `Updated at least every ${freshness} (the domain's SLA freshness)`,
    }),
    ...quality.map((q) => mcp("assertion", q.urn, "assertionInfo", q.json)),
    mcp("dataContract", contract, "dataContractProperties", {
      entity,
      schema: [{ assertion: schemaUrn }],
      freshness: [{ assertion: freshnessUrn }],
      dataQuality: quality.map((q) => ({ assertion: q.urn })),
    }),
    mcp("dataContract", contract, "status", { removed: false }),
    mcp("dataContract", contract, "dataContractStatus", { customProperties: { version: ds.contract.version, lifecycle }, state: lifecycle === "active" ? "ACTIVE" : "PENDING" }),
  ];
}

/** Every MCP of one domain, in a stable order. `contract` is the domain's compiled pipeline contract. */
export function domainMetadata(domain: DomainManifest, contract: PipelineContract): Mcp[] {
  const d = domain.metadata.name;
  const out: Mcp[] = [
    ...glossary(),
    mcp("domain", domainUrn(d), "domainProperties", { customProperties: { owner_contact: domain.metadata.owner.contact }, name: domain.metadata.title, description: domain.metadata.description }),
    mcp("domain", domainUrn(d), "ownership", ownership(domain.metadata.owner.team)),
  ];
  for (const ds of domain.spec.datasets) {
    const compiled = contract.datasets.find((x) => x.name === ds.name);
    if (!compiled) throw new Error(`dataset ${d}.${ds.name} is not in the compiled contract`);
    const entity = datasetUrn(compiled.table);
    const product = dataProductUrn(d, ds.name);
    const personal = personalColumns(ds);
    const categories = personal.map((c) => c.personalData!.category);
    out.push(
      mcp("dataProduct", product, "dataProductProperties", {
        customProperties: { contract_version: ds.contract.version, lifecycle: ds.contract.lifecycle, layer: ds.layer },
        name: `${d}.${ds.name}`,
        description: ds.description,
        assets: [{ destinationUrn: entity, created: AUDIT }],
      }),
      mcp("dataProduct", product, "domains", { domains: [domainUrn(d)] }),
      mcp("dataProduct", product, "ownership", ownership(effectiveOwner(domain, ds).team)),
    );
    if (categories.length > 0) {
      out.push(mcp("dataProduct", product, "glossaryTerms", terms(categories)), mcp("dataset", entity, "glossaryTerms", terms(categories)));
      for (const c of personal) out.push(mcp("schemaField", `urn:li:schemaField:(${entity},${c.name})`, "glossaryTerms", terms([c.personalData!.category])));
    }
    out.push(...dataContract(ds, compiled, domain.spec.sla.freshness, ds.contract.lifecycle));
  }
  return out;
}

/** The MCP file: a JSON array, as DataHub's file sink writes it. */
export function metadataFile(mcps: readonly Mcp[], indent?: number): string {
  return JSON.stringify(mcps, null, indent) + "\n";
}

/** ConfigMap keys of the metadata file and of the recipe that loads it, and where the CronJob mounts them. */
export const DATAHUB_METADATA_FILES = { metadata: "contracts.json", recipe: "contracts.yml", mountDir: "/etc/recipe" } as const;

/**
 * The recipe that loads the metadata file into DataHub: a `file` source (its `path`) and the same REST sink as the
 * Unity Catalog recipe; the token is a ${VAR} reference, expanded from the CronJob's secret at run time.
 */
export function renderDatahubFileRecipe(pipeline: string, mountDir: string, gmsUrl: string): string {
  return stringify({
    pipeline_name: `${pipeline}-contracts`,
    source: { type: "file", config: { path: `${mountDir}/${DATAHUB_METADATA_FILES.metadata}` } },
    sink: { type: "datahub-rest", config: { server: gmsUrl, token: "${DATAHUB_GMS_TOKEN}" } },
  }, { lineWidth: 0 });
}
