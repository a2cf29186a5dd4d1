import { stringify } from "yaml";
import type { DomainManifest } from "../manifest";
import { datahubCronJobName, datahubRecipeName, pipelineName, resourceName, schemaName } from "./naming";
import type { Settings } from "./settings";

export interface DatahubIngestionSpec {
  readonly configMapResourceName: string;
  readonly cronJobResourceName: string;
  readonly configMapName: string;
  readonly cronJobName: string;
  readonly namespace: string;
  readonly schedule: string;
  readonly image: string;
  readonly secretName: string;
  readonly recipeFile: "recipe.yml";
}

/**
 * Server version (appVersion) of each pinned datahub chart version: the ingestion image is pinned to the server it
 * talks to. acryldata/datahub-helm charts/datahub/Chart.yaml: version 1.1.0, appVersion v1.7.0.
 */
export const DATAHUB_APP_VERSIONS: Readonly<Record<string, string>> = { "1.1.0": "v1.7.0" };

export const DATAHUB_INGESTION_IMAGE = "acryldata/datahub-ingestion";

/**
 * Recipe settings that keep query text out of DataHub. Query history can carry subject ids (a GDPR officer looking a
 * person up by e-mail), and DataHub's store is outside erasure and retention. acryl-datahub's UnityCatalogSourceConfig
 * turns all of these on by default (include_queries: statement text; include_top_n_queries: the top queries per
 * table; include_usage_statistics: usage built from query history); profiling (which samples values) stays off.
 */
export const DATAHUB_NO_QUERY_TEXT = {
  include_usage_statistics: false,
  include_queries: false,
  include_top_n_queries: false,
  profiling: { enabled: false },
} as const;

/** Environment variables the CronJob takes from the Kubernetes secret; the recipe only references them. */
export const DATAHUB_ENV = {
  DATABRICKS_TOKEN: "databricks-token",
  DATAHUB_GMS_TOKEN: "gms-token",
} as const;

export function compileDatahubIngestion(s: Settings, domain: DomainManifest): DatahubIngestionSpec {
  const d = domain.metadata.name;
  return {
    configMapResourceName: resourceName(d, "datahub-recipe"),
    cronJobResourceName: resourceName(d, "datahub-ingestion"),
    configMapName: datahubRecipeName(d),
    cronJobName: datahubCronJobName(d),
    namespace: s.datahub.namespace,
    schedule: s.datahub.ingestionSchedule,
    image: s.datahub.ingestionImage,
    secretName: s.datahub.secretName,
    recipeFile: "recipe.yml",
  };
}

/**
 * The `unity-catalog` ingestion recipe of one domain, limited to its schema. Tokens are `${VAR}` references that
 * DataHub expands from the environment at run time; no credential is ever in the recipe.
 */
export function renderDatahubRecipe(s: Settings, domain: DomainManifest, catalog: string, warehouseId: string, gmsUrl: string): string {
  const d = domain.metadata.name;
  const recipe = {
    pipeline_name: pipelineName(s, d),
    source: {
      type: "unity-catalog",
      config: {
        workspace_url: s.databricks.host,
        token: "${DATABRICKS_TOKEN}",
        warehouse_id: warehouseId,
        include_hive_metastore: false,
        catalog_pattern: { allow: [`^${catalog}$`] },
        schema_pattern: { allow: [`^${schemaName(d)}$`] },
        include_table_lineage: true,
        include_column_lineage: true,
        include_ownership: true,
        include_tags: true,
        ...DATAHUB_NO_QUERY_TEXT,
        domain: { [`urn:li:domain:${d}`]: { allow: [".*"] } },
        stateful_ingestion: { enabled: true, remove_stale_metadata: true },
      },
    },
    sink: { type: "datahub-rest", config: { server: gmsUrl, token: "${DATAHUB_GMS_TOKEN}" } },
  };
  return stringify(recipe, { lineWidth: 0 });
}
