import type { StackValidationPolicy } from "@pulumi/policy";
import { contractsOf, ruleId, T } from "../../lib";

/** Docs: change data feed writes changed rows to _change_data, kept with the table's files until VACUUM. */
const CDF_DOC = "https://docs.databricks.com/aws/en/delta/delta-change-data-feed";
const PROPERTY = "delta.enableChangeDataFeed";
/** The Spark configuration that turns CDF on for every new table of a session or pipeline. */
const DEFAULT_KEY = /(^|\.)properties\.defaults\.enablechangedatafeed$/i;
/** `delta.enableChangeDataFeed` set to true in SQL text, quoted or not. */
const ENABLES = /['"`]?delta\.enableChangeDataFeed['"`]?\s*=\s*['"]?true\b/i;

const isTrue = (v: unknown) => String(v).trim().toLowerCase() === "true";

/**
 * Change data feed writes the rows of every UPDATE, DELETE and MERGE again, into _change_data (CDF_DOC): on a table
 * with personal data that is one more copy the erasure job would have to find, count and purge. The mesh reads no
 * change feed (silver reads bronze with skipChangeCommits), so it is refused outright: the stricter reading. Each
 * pipeline table with personal columns sets the property to false explicitly, so a default cannot turn it on; no
 * pipeline sets that default; no governance SQL (table templates, domain jobs' governance SQL) enables it.
 */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: `No table with personal data records a change data feed (another copy of every changed row, in _change_data, ${CDF_DOC}): pipeline tables with personal columns set ${PROPERTY} = false explicitly, no pipeline turns the feature on by default, and no governance SQL enables it.`,
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: `Plan the domain with lakemesh (its contracts set ${PROPERTY} = false on personal tables); remove spark.databricks.delta.properties.defaults.enableChangeDataFeed from pipeline configuration and ${PROPERTY} = true from governance SQL.`,
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    for (const { resource, contract } of contractsOf(args.resources, policy.name)) {
      for (const ds of contract.datasets) {
        const personal = ds.columns.filter((c) => c.personalData).map((c) => c.name);
        const v = ds.tableProperties[PROPERTY];
        if (personal.length && v !== "false") {
          report(`${ds.table} holds personal data (${personal.join(", ")}) but sets ${PROPERTY} ${v === undefined ? "nowhere (a workspace or session default could turn it on)" : `to ${JSON.stringify(v)}`}; it must be "false"`, resource.urn);
        }
      }
    }
    for (const r of args.resources) {
      if (r.type === T.Pipeline) {
        const confs: [string, Record<string, unknown> | undefined][] = [
          ["configuration", r.props.configuration],
          ...((r.props.clusters ?? []) as { label?: string; sparkConf?: Record<string, unknown> }[]).map((c, i) => [`clusters[${c.label ?? i}].sparkConf`, c.sparkConf] as [string, Record<string, unknown> | undefined]),
        ];
        for (const [where, conf] of confs) {
          for (const [k, v] of Object.entries(conf ?? {})) {
            if (DEFAULT_KEY.test(k) && isTrue(v)) report(`pipeline ${r.props.name ?? r.name}: ${where} sets ${k} = ${String(v)}, which records a change data feed for every table it creates`, r.urn);
          }
        }
      }
      const statements: string[] = [];
      if (r.type === T.SqlObject) {
        // Migrations only add columns (lib/compile/governance-migrations.ts); the create statements set properties.
        // A row set computed from a secret (the salt fingerprint) is a secret marker offline: it sets no property.
        for (const st of (Array.isArray(r.props.create) ? r.props.create : []) as { sql?: string }[]) if (typeof st?.sql === "string") statements.push(st.sql);
      }
      if (r.type === T.WorkspaceFile && typeof r.props.path === "string" && r.props.path.endsWith(".sql") && typeof r.props.contentBase64 === "string") {
        statements.push(Buffer.from(r.props.contentBase64, "base64").toString("utf8"));
      }
      if (statements.some((s) => ENABLES.test(s))) report(`${r.props.objectName ?? r.props.path ?? r.name}: its SQL sets ${PROPERTY} = true; no table with personal data may record a change data feed`, r.urn);
    }
  },
};
