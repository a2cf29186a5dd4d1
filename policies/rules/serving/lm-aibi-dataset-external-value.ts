import type { ResourceValidationPolicy } from "@pulumi/policy";
import { serializedQueries, EXTERNAL_VALUE } from "../../../lib/serving/dashboards";
import { ruleId } from "../../lib";

const DASHBOARD = "databricks:index/dashboard:Dashboard";

/** Words that would let rows of other tenants into a dataset past its filter. */
const SET_OPERATORS = /\b(UNION|INTERSECT|EXCEPT|MINUS)\b/i;

/** The query without string literals, quoted identifiers' contents and comments, upper-cased. */
function bare(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, " ")
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/'(?:[^'\\]|\\.)*'/g, "''")
    .replace(/`([^`]*)`/g, (_m, x: string) => (/^[A-Za-z0-9_]+$/.test(x) ? x : "q"))
    .toUpperCase();
}

/** Top-level (outside parentheses) pieces of `text` split on `sep`. */
function topLevel(text: string, sep: RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const word of text.split(/(\(|\)|\s+)/)) {
    if (word === "(") depth++;
    if (word === ")") depth--;
    if (depth === 0 && sep.test(word.trim())) {
      out.push(cur);
      cur = "";
    } else cur += word;
  }
  out.push(cur);
  return out;
}

/** Why a dataset query does not confine itself to the external value's tenant, or null when it does. */
export function externalValueProblem(sql: string): string | null {
  const q = bare(sql);
  if (SET_OPERATORS.test(q)) return "combines queries (UNION, INTERSECT or EXCEPT)";
  const clauses = topLevel(q, /^WHERE$/);
  if (clauses.length !== 2) return `has no top-level WHERE filtering on ${EXTERNAL_VALUE}`;
  const where = topLevel(clauses[1], /^(GROUP|ORDER|HAVING|LIMIT|QUALIFY|WINDOW)$/)[0];
  if (topLevel(where, /^OR$/).length > 1) return "has OR at the top of its WHERE clause";
  const conjuncts = topLevel(where, /^AND$/).map((c) => c.trim().replace(/\s*=\s*/g, " = ").replace(/\s+/g, " "));
  const filter = new RegExp(`^(?:[A-Z_][A-Z0-9_]*\\.)*[A-Z_][A-Z0-9_]* = ${EXTERNAL_VALUE.toUpperCase()}$|^${EXTERNAL_VALUE.toUpperCase()} = (?:[A-Z_][A-Z0-9_]*\\.)*[A-Z_][A-Z0-9_]*$`);
  return conjuncts.some((c) => filter.test(c)) ? null : `does not filter a column on ${EXTERNAL_VALUE} in its WHERE clause`;
}

/**
 * Embedded dashboards show each viewer only their tenant: every dataset filters on the external value the API puts
 * in the viewer's token (https://docs.databricks.com/aws/en/dashboards/embedding/external-embed), and the dashboard
 * is published without embedded credentials, so the viewer's own grants and row filters apply too.
 */
export const policy: ResourceValidationPolicy = {
  name: ruleId(__filename),
  description: "Every dataset of an AI/BI dashboard filters a column on __aibi_external_value in a top-level WHERE conjunct, and dashboards are published without embedded credentials.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Add `WHERE <tenant key> = __aibi_external_value` (ANDed, no OR or UNION) to every dataset query, and set embedCredentials: false; lib/serving/dashboards.ts builds both.",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    if (args.type !== DASHBOARD) return;
    if (args.props.embedCredentials !== false) report(`dashboard ${args.name} embeds its publisher's credentials; viewers would read with the publisher's rights`);
    let queries: { name: string; query: string }[];
    try {
      queries = serializedQueries(String(args.props.serializedDashboard ?? "{}"));
    } catch {
      report(`dashboard ${args.name} has a serializedDashboard that is not JSON`);
      return;
    }
    for (const q of queries) {
      const problem = externalValueProblem(q.query);
      if (problem) report(`dataset ${q.name} of dashboard ${args.name} ${problem}`);
    }
  },
};
