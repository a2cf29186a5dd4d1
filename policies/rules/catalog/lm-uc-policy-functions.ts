import type { StackValidationPolicy } from "@pulumi/policy";
import { ruleId, T } from "../../lib";

const POLICY_FUNCTION = /\.governance\.(tenant_filter|tenant_filter_held|mask_[a-z_]+)$/;
/** current_user (with or without braces) and its alias user(); session_user() is what the docs ask for. */
const CURRENT_USER = /\bcurrent_user\b(\s*\(\s*\))?|\buser\s*\(\s*\)/i;

/**
 * The tenant row filter and the masks decide who sees what: they identify the caller with session_user() (the docs:
 * "you should use SESSION_USER instead of CURRENT_USER",
 * https://docs.databricks.com/aws/en/sql/language-manual/functions/session_user), and only whoever declares them on
 * tables holds EXECUTE (assigning a filter or mask needs it; reading a protected table does not:
 * https://docs.databricks.com/aws/en/data-governance/unity-catalog/filters-and-masks/manually-apply).
 */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: "The tenant row filter and masks identify the caller with session_user(), and EXECUTE on them goes only to the pipelines group that declares them on tables.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Write session_user() in sql/functions/*.sql, and grant EXECUTE on the governance functions to the pipelines group only (lib/compile/platform.ts functionGrants).",
  configSchema: { properties: { executePattern: { type: "string", default: "-pipelines$", description: "Regular expression of the principals that may hold EXECUTE on the filter and masks." } } },
  validateStack: (args, report) => {
    const allowed = new RegExp(args.getConfig<{ executePattern: string }>().executePattern);
    for (const r of args.resources) {
      if (r.type === T.SqlObject && r.props.kind === "function" && POLICY_FUNCTION.test(String(r.props.objectName))) {
        for (const st of (r.props.create ?? []) as { sql: string }[]) {
          const body = st.sql.replace(/'[^']*'/g, "''");
          const m = CURRENT_USER.exec(body);
          if (m) report(`${r.props.objectName} identifies the caller with ${m[0]}; use session_user()`, r.urn);
        }
      }
      if (r.type === T.Grants && typeof r.props.function === "string" && POLICY_FUNCTION.test(r.props.function)) {
        for (const g of (r.props.grants ?? []) as { principal: string; privileges: string[] }[]) {
          if ((g.privileges ?? []).some((p) => p === "EXECUTE" || p === "ALL_PRIVILEGES") && !allowed.test(g.principal)) {
            report(`${r.props.function} grants EXECUTE to ${JSON.stringify(g.principal)}; only the pipelines that declare it on tables need it`, r.urn);
          }
        }
      }
    }
  },
};
