import type { ResourceValidationPolicy } from "@pulumi/policy";
import { recipesOf, ruleId, T } from "../../lib";

const ID = ruleId(__filename);

/** Recipe switches that copy query text (or values) into DataHub; acryl-datahub turns the first three on by default. */
const OFF = ["include_queries", "include_top_n_queries", "include_usage_statistics"] as const;

/**
 * Query history can carry subject ids (WHERE email = '...'), and DataHub's MySQL and search index are outside erasure
 * and retention. acryl-datahub's UnityCatalogSourceConfig ingests query text (include_queries), the top queries of each
 * table (include_top_n_queries) and usage built from query history (include_usage_statistics) unless told not to, and
 * profiling samples column values. https://datahubproject.io/docs/generated/ingestion/sources/databricks
 */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "Unity Catalog ingestion recipes turn off query text, top queries, usage statistics and profiling, so no subject id in a query reaches DataHub.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Set include_queries, include_top_n_queries and include_usage_statistics to false and leave profiling off in the recipe (lib/compile/datahub.ts DATAHUB_NO_QUERY_TEXT).",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    if (args.type !== T.ConfigMap) return;
    for (const { file, recipe } of recipesOf(args.props, ID, args.urn)) {
      const type = recipe?.source?.type;
      if (type !== "unity-catalog" && type !== "databricks") continue;
      const c = recipe.source.config ?? {};
      for (const k of OFF) if (c[k] !== false) report(`recipe ${file}: ${k} is ${JSON.stringify(c[k] ?? "unset (true by default)")}; it must be false so query text never reaches DataHub`);
      if (c.profiling?.enabled === true) report(`recipe ${file}: profiling is on; it samples column values into DataHub`);
    }
  },
};
