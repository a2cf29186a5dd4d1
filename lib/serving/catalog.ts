// The serving API's query catalog: which datasets the API serves, to which persona, with which columns, filters,
// sort keys and row key. Compiled from the validated manifests only, so every identifier that reaches SQL is a name
// the manifest schema already restricted to [a-z][a-z0-9_]*. Pure: the same mesh gives the same catalog.
import { tenantKeyOf, typeFamily, type Dataset, type DomainManifest, type TypeFamily } from "../manifest";
import type { Mesh } from "../compile/model";
import { schemaName } from "../compile/naming";

/** Personas the API serves. Data teams (platform admins, scientists, analysts, GDPR officers) use SQL, not the API. */
export const SERVED_PERSONAS = ["client_admin", "end_user"] as const;
export type ServedPersona = (typeof SERVED_PERSONAS)[number];

/** Query parameters with a fixed meaning; a column of the same name gets no filter parameter. */
export const RESERVED_PARAMS = ["fields", "sort", "limit", "cursor"] as const;

export type FilterOp = "eq" | "gt" | "gte" | "lt" | "lte";
const ORDERED: readonly TypeFamily[] = ["integer", "number", "date", "timestamp"];
const SCALAR: readonly TypeFamily[] = ["string", "boolean", ...ORDERED];

export interface ServedColumn {
  readonly name: string;
  /** The manifest's physical type, e.g. DECIMAL(18,2). */
  readonly physicalType: string;
  readonly family: TypeFamily;
  readonly nullable: boolean;
  readonly description: string;
  readonly personal: boolean;
  /** Filter operators offered as query parameters (`<col>` for eq, `<col>.<op>` for the others); empty: none. */
  readonly filters: readonly FilterOp[];
  readonly sortable: boolean;
}

/** One named query of the catalog: a dataset, served read-only, one page at a time. */
export interface ServedDataset {
  /** `<domain>.<dataset>`: the query name in audit records and cursors. */
  readonly id: string;
  readonly domain: string;
  readonly name: string;
  readonly layer: "silver" | "gold";
  readonly description: string;
  readonly contractVersion: string;
  /** catalog.schema.table, unquoted. */
  readonly table: string;
  /** HTTP path of the dataset's endpoint. */
  readonly path: string;
  /** Null for reference data shared by all tenants. */
  readonly tenantKey: string | null;
  readonly subjectKey: string | null;
  /** Personas that may read it through the API, sorted. */
  readonly personas: readonly ServedPersona[];
  readonly columns: readonly ServedColumn[];
  /** Columns that identify a row (primary key, or tenant key plus group-by for gold): the keyset order's tail. */
  readonly key: readonly string[];
}

export interface ServingCatalog {
  readonly catalog: string;
  readonly datasets: readonly ServedDataset[];
}

/**
 * Which personas may read a dataset through the API. The API's principals form the `api_service` persona, so a
 * dataset is served only if its `access` lists `api_service`, and only while its contract is published (active or
 * deprecated). Client admins read what their `access` entry allows, for their own tenant; end users read only
 * tenant datasets with a subject key, and only their own subject's rows.
 */
export function servedPersonas(ds: Dataset): ServedPersona[] {
  const access = ds.access ?? [];
  if (!access.includes("api_service")) return [];
  if (ds.contract.lifecycle !== "active" && ds.contract.lifecycle !== "deprecated") return [];
  const out: ServedPersona[] = [];
  if (access.includes("client_admin")) out.push("client_admin");
  if (tenantKeyOf(ds) !== undefined && ds.subjectKey) out.push("end_user");
  return out;
}

function rowKey(ds: Dataset): string[] {
  const pk = ds.columns.filter((c) => c.primaryKey).map((c) => c.name);
  if (pk.length > 0) return pk;
  const tk = tenantKeyOf(ds);
  return ds.layer === "gold" && ds.aggregate ? [...(tk ? [tk] : []), ...ds.aggregate.groupBy] : [];
}

function servedDataset(catalog: string, domain: DomainManifest, ds: Dataset, personas: ServedPersona[]): ServedDataset | undefined {
  const key = rowKey(ds);
  // Without a row key, keyset pagination could skip or repeat rows: such a dataset is not served.
  if (key.length === 0) return undefined;
  const columns: ServedColumn[] = ds.columns
    .filter((c) => typeFamily(c.physicalType) !== "binary")
    .map((c) => {
      const family = typeFamily(c.physicalType);
      const scalar = SCALAR.includes(family);
      const reserved = (RESERVED_PARAMS as readonly string[]).includes(c.name);
      const filters: FilterOp[] = !scalar || reserved ? [] : ORDERED.includes(family) ? ["eq", "gt", "gte", "lt", "lte"] : ["eq"];
      return { name: c.name, physicalType: c.physicalType, family, nullable: c.required !== true, description: c.description, personal: c.personalData !== undefined, filters, sortable: scalar };
    });
  const d = domain.metadata.name;
  return {
    id: `${d}.${ds.name}`,
    domain: d,
    name: ds.name,
    layer: ds.layer as "silver" | "gold",
    description: ds.description,
    contractVersion: ds.contract.version,
    table: `${catalog}.${schemaName(d)}.${ds.name}`,
    path: `/v1/${d}/${ds.name}`,
    tenantKey: tenantKeyOf(ds) ?? null,
    subjectKey: ds.subjectKey ?? null,
    personas,
    columns,
    key,
  };
}

/** The API's catalog of named queries for a stack's catalog, in domain and dataset order. */
export function compileServingCatalog(catalog: string, mesh: Mesh): ServingCatalog {
  const datasets: ServedDataset[] = [];
  for (const domain of mesh.domains) {
    for (const ds of domain.spec.datasets) {
      const personas = servedPersonas(ds);
      if (personas.length === 0) continue;
      const served = servedDataset(catalog, domain, ds, personas);
      if (served) datasets.push(served);
    }
  }
  datasets.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { catalog, datasets };
}

/** Datasets of the catalog a persona may read. */
export function datasetsFor(catalog: ServingCatalog, persona: ServedPersona): ServedDataset[] {
  return catalog.datasets.filter((d) => d.personas.includes(persona));
}
