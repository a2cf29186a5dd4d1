import { readStackConfig } from "../../cli/plan/stack-config";
import { runOfflinePlan } from "../../cli/plan/run";
import type { PlannedResource } from "../../cli/plan/record";
import { allRules } from "../../policies/rules";
import { externalValueProblem } from "../../policies/rules/serving/lm-aibi-dataset-external-value";
import { change, ofType, violations } from "../helpers/policy";
import { ROOT } from "../helpers/settings";

// Baseline: the shipped prod plan (its mesh publishes datasets to BI, so it has dashboards); one change per case.
let base: PlannedResource[];
let dev: PlannedResource[];
beforeAll(async () => {
  base = [...(await runOfflinePlan(ROOT, readStackConfig(ROOT, "prod"))).resources];
  dev = [...(await runOfflinePlan(ROOT, readStackConfig(ROOT, "dev"))).resources];
}, 180_000);

const rule = (id: string) => allRules.find((r) => r.name === id)!;
const DASHBOARD = ofType("databricks:index/dashboard:Dashboard", "dashboard-kpis");
const DEPLOYMENT = ofType("kubernetes:apps/v1:Deployment", "serving-deployment");
const editQuery = (r: any, edit: (q: string) => string) => {
  const d = JSON.parse(r.inputs.serializedDashboard);
  d.datasets[0].queryLines = [edit(d.datasets[0].queryLines.join(""))];
  r.inputs.serializedDashboard = JSON.stringify(d);
};
const ids = ["lm-aibi-dataset-external-value", "lm-aibi-embedding-approved-domains", "lm-serving-pod-hardened", "lm-serving-prod-availability"];

describe.each(ids)("%s", (id) => {
  it("passes the shipped prod and dev plans", () => {
    expect(base.filter((r) => r.type === "databricks:index/dashboard:Dashboard")).toHaveLength(3);
    expect(violations(rule(id), base)).toEqual([]);
    expect(violations(rule(id), dev)).toEqual([]);
  });
});

describe("lm-aibi-dataset-external-value: dashboard datasets filter on the external value", () => {
  it.each([
    ["SELECT a FROM t WHERE `tenant_id` = __aibi_external_value\n", null],
    ["select a from t where status = 'x' and t.tenant_id=__aibi_external_value", null],
    ["SELECT a FROM t WHERE __aibi_external_value = tenant_id ORDER BY a LIMIT 5", null],
    ["SELECT a FROM t", "has no top-level WHERE filtering on __aibi_external_value"],
    ["SELECT a FROM t -- WHERE tenant_id = __aibi_external_value", "has no top-level WHERE filtering on __aibi_external_value"],
    ["SELECT a FROM t WHERE note = 'tenant_id = __aibi_external_value'", "does not filter a column on __aibi_external_value in its WHERE clause"],
    ["SELECT a FROM t WHERE tenant_id = __aibi_external_value OR 1 = 1", "has OR at the top of its WHERE clause"],
    ["SELECT a FROM t WHERE tenant_id = __aibi_external_value UNION ALL SELECT a FROM t", "combines queries (UNION, INTERSECT or EXCEPT)"],
    ["SELECT a FROM t WHERE a IN (SELECT a FROM u WHERE tenant_id = __aibi_external_value)", "does not filter a column on __aibi_external_value in its WHERE clause"],
    ["SELECT a FROM t WHERE tenant_id <> __aibi_external_value", "does not filter a column on __aibi_external_value in its WHERE clause"],
  ])("%j -> %j", (sql, problem) => {
    expect(externalValueProblem(sql)).toBe(problem);
  });

  it("flags a dataset whose filter was removed", () => {
    const r = change(base, DASHBOARD, (d) => editQuery(d, (q) => q.replace(/WHERE[^\n]*\n/, "")));
    expect(violations(rule("lm-aibi-dataset-external-value"), r)).toEqual(["dataset equity_kpis of dashboard dashboard-kpis has no top-level WHERE filtering on __aibi_external_value @ dashboard-kpis"]);
  });
  it("flags an OR that lets every tenant in", () => {
    const r = change(base, DASHBOARD, (d) => editQuery(d, (q) => q.replace("__aibi_external_value", "__aibi_external_value OR TRUE")));
    expect(violations(rule("lm-aibi-dataset-external-value"), r)).toEqual(["dataset equity_kpis of dashboard dashboard-kpis has OR at the top of its WHERE clause @ dashboard-kpis"]);
  });
  it("flags a dashboard published with the publisher's credentials", () => {
    const r = change(base, DASHBOARD, (d) => (d.inputs.embedCredentials = true));
    expect(violations(rule("lm-aibi-dataset-external-value"), r)).toEqual(["dashboard dashboard-kpis embeds its publisher's credentials; viewers would read with the publisher's rights @ dashboard-kpis"]);
  });
});

describe("lm-aibi-embedding-approved-domains: dashboards embed into approved domains only", () => {
  const ACCESS = ofType("databricks:index/aibiDashboardEmbeddingAccessPolicySetting:AibiDashboardEmbeddingAccessPolicySetting");
  const DOMAINS = ofType("databricks:index/aibiDashboardEmbeddingApprovedDomainsSetting:AibiDashboardEmbeddingApprovedDomainsSetting");
  it("flags ALLOW_ALL_DOMAINS", () => {
    const r = change(base, ACCESS, (x) => (x.inputs.aibiDashboardEmbeddingAccessPolicy.accessPolicyType = "ALLOW_ALL_DOMAINS"));
    expect(violations(rule("lm-aibi-embedding-approved-domains"), r)).toEqual(["embedding access policy serving-embedding-access-policy is ALLOW_ALL_DOMAINS; ALLOW_APPROVED_DOMAINS (or DENY_ALL_DOMAINS) @ serving-embedding-access-policy"]);
  });
  it("flags a bare wildcard domain", () => {
    const r = change(base, DOMAINS, (x) => (x.inputs.aibiDashboardEmbeddingApprovedDomains.approvedDomains = ["*.com"]));
    expect(violations(rule("lm-aibi-embedding-approved-domains"), r)).toEqual(['approved domain "*.com" is not a domain name (a bare * or *.<tld> is refused) @ serving-embedding-approved-domains']);
  });
  it("flags dashboards without an embedding access policy", () => {
    const r = base.filter((x) => !ACCESS(x));
    expect(violations(rule("lm-aibi-embedding-approved-domains"), r)).toEqual(["the stack has 3 dashboard(s) but no embedding access policy setting @ dashboard-adoption"]);
  });
});

describe("lm-serving-pod-hardened: the API's pods are locked down", () => {
  const container = (d: any) => d.inputs.spec.template.spec.containers[0];
  it("flags a writable root file system", () => {
    const r = change(base, DEPLOYMENT, (d) => (container(d).securityContext.readOnlyRootFilesystem = false));
    expect(violations(rule("lm-serving-pod-hardened"), r)).toEqual(["lakemesh-serving/api: readOnlyRootFilesystem must be true @ serving-deployment"]);
  });
  it("flags a key set inline instead of from the secret", () => {
    const r = change(base, DEPLOYMENT, (d) => container(d).env.push({ name: "LAKEMESH_CURSOR_KEY", value: "0123456789abcdef0123456789abcdef" }));
    expect(violations(rule("lm-serving-pod-hardened"), r)).toEqual(["lakemesh-serving/api: LAKEMESH_CURSOR_KEY is set inline; take it from a secret (valueFrom.secretKeyRef) @ serving-deployment"]);
  });
  it("flags a missing readiness probe and a mounted service-account token", () => {
    const r = change(base, DEPLOYMENT, (d) => {
      delete container(d).readinessProbe;
      d.inputs.spec.template.spec.automountServiceAccountToken = true;
    });
    expect(violations(rule("lm-serving-pod-hardened"), r).sort()).toEqual([
      "lakemesh-serving/api: needs a liveness and a readiness probe @ serving-deployment",
      "lakemesh-serving: automountServiceAccountToken must be false (the API needs no Kubernetes API access) @ serving-deployment",
    ]);
  });
});

describe("lm-serving-prod-availability: the production API is redundant, pinned and fenced", () => {
  const v = (r: PlannedResource[]) => violations(rule("lm-serving-prod-availability"), r);
  it("flags one replica", () => {
    expect(v(change(base, DEPLOYMENT, (d) => (d.inputs.spec.replicas = 1)))).toEqual(["production deployment lakemesh-serving runs 1 replica(s); at least 2 @ serving-deployment"]);
  });
  it("flags an image not pinned by digest", () => {
    expect(v(change(base, DEPLOYMENT, (d) => (d.inputs.spec.template.spec.containers[0].image = "ghcr.io/example/lakemesh-serving:latest")))).toEqual([
      "production deployment lakemesh-serving: image ghcr.io/example/lakemesh-serving:latest is not pinned by digest (@sha256:...) @ serving-deployment",
    ]);
  });
  it("flags an autoscaler that may go down to one pod", () => {
    expect(v(change(base, ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"), (h) => (h.inputs.spec.minReplicas = 1)))).toEqual(["the autoscaler of lakemesh-serving may scale down to 1; at least 2 @ serving-deployment"]);
  });
  it("flags a missing disruption budget and a network policy without egress", () => {
    const r = change(
      base.filter((x) => x.type !== "kubernetes:policy/v1:PodDisruptionBudget"),
      ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy"),
      (n) => (n.inputs.spec.policyTypes = ["Ingress"]),
    );
    expect(v(r).sort()).toEqual([
      "production deployment lakemesh-serving has no NetworkPolicy restricting both ingress and egress of its pods @ serving-deployment",
      "production deployment lakemesh-serving has no PodDisruptionBudget selecting its pods @ serving-deployment",
    ]);
  });
});
