import type { StackValidationPolicy } from "@pulumi/policy";
import { at, ruleId } from "../../lib";

const DASHBOARD = "databricks:index/dashboard:Dashboard";
const ACCESS = "databricks:index/aibiDashboardEmbeddingAccessPolicySetting:AibiDashboardEmbeddingAccessPolicySetting";
const DOMAINS = "databricks:index/aibiDashboardEmbeddingApprovedDomainsSetting:AibiDashboardEmbeddingApprovedDomainsSetting";

/**
 * Dashboards embed only into the product's own domains: the workspace's embedding access policy is
 * ALLOW_APPROVED_DOMAINS with an explicit list (https://docs.databricks.com/aws/en/dashboards/embedding/external-embed).
 */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: "A stack with dashboards sets the workspace's embedding policy to ALLOW_APPROVED_DOMAINS with named domains (no bare wildcard); ALLOW_ALL_DOMAINS is refused.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set lakemesh:serving.embedding.approvedDomains to the product's domains (e.g. app.example.com or *.example.com).",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const access = args.resources.filter((r) => r.type === ACCESS);
    const domains = args.resources.filter((r) => r.type === DOMAINS);
    for (const r of access) {
      const type = r.props.aibiDashboardEmbeddingAccessPolicy?.accessPolicyType;
      if (type !== "ALLOW_APPROVED_DOMAINS" && type !== "DENY_ALL_DOMAINS") at(report, r)(`embedding access policy ${r.name} is ${type}; ALLOW_APPROVED_DOMAINS (or DENY_ALL_DOMAINS)`);
    }
    for (const r of domains) {
      const list: unknown[] = r.props.aibiDashboardEmbeddingApprovedDomains?.approvedDomains ?? [];
      if (list.length === 0) at(report, r)(`approved domains ${r.name} lists no domain`);
      for (const d of list) if (typeof d !== "string" || !/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d)) at(report, r)(`approved domain ${JSON.stringify(d)} is not a domain name (a bare * or *.<tld> is refused)`);
    }
    const dashboards = args.resources.filter((r) => r.type === DASHBOARD);
    if (dashboards.length > 0 && (access.length === 0 || domains.length === 0)) {
      at(report, dashboards[0])(`the stack has ${dashboards.length} dashboard(s) but no ${access.length === 0 ? "embedding access policy" : "approved domains"} setting`);
    }
  },
};
