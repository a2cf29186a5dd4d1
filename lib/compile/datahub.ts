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
        domain: { [`urn:li:domain:${d}`]: { allow: [".*"] } },
        stateful_ingestion: { enabled: true, remove_stale_metadata: true },
      },
    },
    sink: { type: "datahub-rest", config: { server: gmsUrl, token: "${DATAHUB_GMS_TOKEN}" } },
  };
  return stringify(recipe, { lineWidth: 0 });
}
