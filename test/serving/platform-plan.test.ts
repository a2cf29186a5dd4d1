import { readStackConfig } from "../../cli/plan/stack-config";
import { runOfflinePlan, type OfflinePlan } from "../../cli/plan/run";
import { compileServing, compileServingKubernetes, tenantPrincipalRows } from "../../lib/serving";
import { SettingsError, readSettings } from "../../lib/compile";
import { ROOT, shippedMesh, stackSettings } from "../helpers/settings";

// What the program provisions for serving, read from the real program's offline prod plan.
let plan: OfflinePlan;
beforeAll(async () => {
  plan = await runOfflinePlan(ROOT, readStackConfig(ROOT, "prod"));
}, 180_000);

const byType = (type: string) => plan.resources.filter((r) => r.type === type);
const one = (type: string, name: string) => {
  const r = plan.resources.filter((x) => x.type === type && x.name === name);
  expect(r).toHaveLength(1);
  return r[0];
};

describe("tenant principals", () => {
  it("are one account-level service principal per configured tenant, federated, in the API and BI groups, assigned to the workspace", () => {
    // Through the stack's one account-level provider (components/providers.ts), not a second one of its own.
    const sps = byType("databricks:index/servicePrincipal:ServicePrincipal");
    expect(sps.map((r) => [r.name, r.inputs.displayName, r.provider?.split("::").pop()?.split("::")[0]])).toEqual([
      ["serving-tenant-tenant-01", "lakemesh-prod-serving-tenant-01", "databricks-account"],
      ["serving-tenant-tenant-02", "lakemesh-prod-serving-tenant-02", "databricks-account"],
      ["serving-tenant-tenant-03", "lakemesh-prod-serving-tenant-03", "databricks-account"],
    ]);
    const fed = one("databricks:index/servicePrincipalFederationPolicy:ServicePrincipalFederationPolicy", "serving-tenant-tenant-02-federation");
    expect(fed.inputs.oidcPolicy).toEqual({ issuer: "https://api.lakemesh.example.com", audiences: ["lakemesh-serving-federation"], subject: "lakemesh-serving:prod:tenant:tenant-02" });
    expect(typeof fed.inputs.servicePrincipalId).toBe("number");
    expect(byType("databricks:index/servicePrincipalSecret:ServicePrincipalSecret")).toEqual([]); // federation: no stored secret
    expect(byType("databricks:index/groupMember:GroupMember").filter((r) => r.name.startsWith("serving-tenant-")).map((r) => r.inputs.groupId).sort()).toEqual(
      ["api", "api", "api", "bi", "bi", "bi"].map((g) => `offline-group-lakemesh-prod-${g}-service`),
    );
    // Each membership is a GroupMembership component under its principal (the access model reads group and member),
    // its GroupMember keeping the name it had as the principal's direct child.
    const memberships = byType("lakemesh:access:GroupMembership").filter((r) => r.name.startsWith("serving-tenant-"));
    expect(memberships.map((r) => [r.name, r.inputs.group, r.parent.split("::").pop()])).toEqual(
      ["01", "02", "03"].flatMap((t) => ["api", "bi"].map((g) => [`serving-tenant-tenant-${t}-member-lakemesh-prod-${g}-service`, `lakemesh-prod-${g}-service`, `serving-tenant-tenant-${t}`])),
    );
    for (const m of memberships) expect(byType("databricks:index/groupMember:GroupMember").filter((r) => r.parent === m.urn).map((r) => r.name)).toEqual([m.name]);
    expect(one("databricks:index/mwsPermissionAssignment:MwsPermissionAssignment", "serving-tenant-tenant-01-workspace").inputs).toMatchObject({ workspaceId: "2222222222222222", permissions: ["USER"] });
  });

  it("are mapped to their tenant in tenant_principals, values bound", () => {
    const rows = one("pulumi-nodejs:dynamic:Resource", "governance-tenant_principals-serving-rows");
    const create = rows.inputs.create as { sql: string; parameters: { name: string; value: string }[] }[];
    expect(create.map((s) => s.sql.split("\n")[0])).toEqual([
      "DELETE FROM `lakemesh_prod`.`governance`.`tenant_principals` WHERE principal IN (:principal_0, :principal_1, :principal_2)",
      "INSERT INTO `lakemesh_prod`.`governance`.`tenant_principals` (tenant_id, principal, role, updated_at) VALUES",
    ]);
    // The principals' application ids (offline: deterministic stand-ins), one per tenant, in tenant order.
    const principals = create[1].parameters.filter((p) => p.name.startsWith("principal_")).map((p) => p.value);
    expect(principals).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), expect.stringMatching(/^[0-9a-f-]{36}$/), expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    expect(new Set(principals).size).toBe(3);
    expect(create[1].parameters.filter((p) => p.name.startsWith("tenant_")).map((p) => p.value)).toEqual(["tenant-01", "tenant-02", "tenant-03"]);
    expect(create[1].parameters.find((p) => p.name === "role")!.value).toBe("client_admin");
    for (const s of create) for (const p of s.parameters) expect(s.sql).not.toContain(p.value);
  });

  it("tenantPrincipalRows binds every value and writes nothing for no tenant", () => {
    const s = stackSettings("dev");
    expect(tenantPrincipalRows(s, []).create).toEqual([]);
    const r = tenantPrincipalRows(s, [{ tenant: "t'; --", applicationId: "x" }]);
    expect(r.create[1].sql).not.toContain("t'; --");
  });
});

describe("GDPR intake and job access", () => {
  it("creates the append-only intake table with the tenant row filter, writable by the API persona", () => {
    const t = one("pulumi-nodejs:dynamic:Resource", "governance-serving_gdpr_requests");
    const sql = (t.inputs.create as { sql: string }[])[0].sql;
    expect(sql).toContain("WITH ROW FILTER `lakemesh_prod`.`governance`.`tenant_filter` ON (tenant_id)");
    expect(sql).toContain("'delta.appendOnly' = 'true'");
    expect([t.protect, t.retainOnDelete]).toEqual([true, true]);
    expect(one("databricks:index/grants:Grants", "governance-serving_gdpr_requests-grants").inputs.grants).toContainEqual({ principal: "lakemesh-prod-api-service", privileges: ["MODIFY", "SELECT"] });
  });

  it("lets the API persona read exports (only) from the GDPR volume", () => {
    expect(one("databricks:index/grants:Grants", "gdpr-exports-volume-grants").inputs.grants).toContainEqual({ principal: "lakemesh-prod-api-service", privileges: ["READ_VOLUME"] });
  });
});

describe("dashboards and embedding", () => {
  it("publishes one dashboard per view, without embedded credentials, runnable by the BI persona", () => {
    const d = byType("databricks:index/dashboard:Dashboard");
    expect(d.map((x) => [x.name, x.inputs.embedCredentials, x.inputs.parentPath])).toEqual([
      ["dashboard-adoption", false, "/lakemesh/prod/dashboards"],
      ["dashboard-forecasts", false, "/lakemesh/prod/dashboards"],
      ["dashboard-kpis", false, "/lakemesh/prod/dashboards"],
    ]);
    expect(one("databricks:index/permissions:Permissions", "dashboard-kpis-permissions").inputs.accessControls).toEqual([
      { groupName: "lakemesh-prod-bi-service", permissionLevel: "CAN_RUN" },
      { groupName: "lakemesh-prod-platform-admins", permissionLevel: "CAN_MANAGE" },
    ]);
    const kpis = JSON.parse(String(one("databricks:index/dashboard:Dashboard", "dashboard-kpis").inputs.serializedDashboard));
    expect(kpis.datasets.map((x: { name: string; queryLines: string[] }) => [x.name, x.queryLines.join("").split("\n")[2]])).toEqual([
      ["equity_kpis", "WHERE `tenant_id` = __aibi_external_value"],
      ["engagement_kpis", "WHERE `tenant_id` = __aibi_external_value"],
      ["daily_active_users", "WHERE `tenant_id` = __aibi_external_value"],
    ]);
  });

  it("restricts embedding to the approved domains", () => {
    expect(one("databricks:index/aibiDashboardEmbeddingAccessPolicySetting:AibiDashboardEmbeddingAccessPolicySetting", "serving-embedding-access-policy").inputs.aibiDashboardEmbeddingAccessPolicy).toEqual({ accessPolicyType: "ALLOW_APPROVED_DOMAINS" });
    expect(one("databricks:index/aibiDashboardEmbeddingApprovedDomainsSetting:AibiDashboardEmbeddingApprovedDomainsSetting", "serving-embedding-approved-domains").inputs.aibiDashboardEmbeddingApprovedDomains).toEqual({ approvedDomains: ["app.example.com"] });
  });
});

describe("the API on Kubernetes", () => {
  it("runs the pinned image with probes, from a config map and secrets held as Pulumi secrets", () => {
    const d = one("kubernetes:apps/v1:Deployment", "serving-deployment").inputs as any;
    const c = d.spec.template.spec.containers[0];
    expect([d.spec.replicas, c.image, c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path]).toEqual([3, expect.stringMatching(/@sha256:[0-9a-f]{64}$/), "/healthz", "/readyz"]);
    expect(c.args).toEqual(["node", "dist/serving/main.js", "--config", "/etc/lakemesh/serving.json"]);
    const secret = one("kubernetes:core/v1:Secret", "serving-secret");
    expect(JSON.stringify(secret.inputs.stringData)).toContain("[redacted]");
    expect(JSON.stringify(secret.inputs)).not.toContain("offline-plan-placeholder");
    const config = JSON.parse((one("kubernetes:core/v1:ConfigMap", "serving-config").inputs.data as Record<string, string>)["serving.json"]);
    expect(Object.keys(config.databricks.tenants)).toEqual(["tenant-01", "tenant-02", "tenant-03"]);
    expect(config.catalog.datasets.map((x: { id: string }) => x.id)).toContain("core-business.equity_grants");
    expect(config.identity).toMatchObject({ issuer: "https://idp.example.com/", audience: "lakemesh-api", algorithms: ["RS256"], jwks: { url: "https://idp.example.com/.well-known/jwks.json" } });
    expect(JSON.stringify(config)).not.toMatch(/BEGIN|offline-plan-placeholder/);
  });

  it("has an HPA, a PodDisruptionBudget and a NetworkPolicy letting only the ingress controller in", () => {
    const k = compileServingKubernetes(compileServing(stackSettings("prod"), shippedMesh())!.settings, "prod");
    expect(k.hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 12 });
    expect(k.pdb.spec).toEqual({ minAvailable: 2, selector: { matchLabels: { "app.kubernetes.io/name": "lakemesh-serving" } } });
    expect((k.networkPolicy.spec as any).ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }], ports: [{ protocol: "TCP", port: 8080 }] }]);
    const dev = compileServingKubernetes(compileServing(stackSettings("dev"), shippedMesh())!.settings, "dev");
    expect(dev.pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "lakemesh-serving" } } });
  });
});

describe("serving settings", () => {
  const base = () => {
    const s = readStackConfig(ROOT, "prod");
    return Object.fromEntries(Object.entries(s.config).map(([k, v]) => [k.replace("lakemesh:", ""), (() => { try { return JSON.parse(v); } catch { return v; } })()]));
  };
  const read = (edit: (c: Record<string, any>) => void) => {
    const c = base();
    edit(c);
    return () => readSettings((k) => c[k], "Pulumi.prod.yaml");
  };
  it.each([
    ["an API persona that is a service principal", (c: any) => (c.personas.api_service = "7a9d2f10-5c3e-4b6a-8f21-3d4e5f6a7b01"), "Pulumi.prod.yaml: lakemesh:personas.api_service: 7a9d2f10-5c3e-4b6a-8f21-3d4e5f6a7b01 is a service principal; with serving, an account group the tenant principals join"],
    ["a symmetric algorithm", (c: any) => (c.serving.identity.algorithms = ["HS256"]), "Pulumi.prod.yaml: lakemesh:serving.identity.algorithms.0: "],
    ["an http IdP", (c: any) => (c.serving.identity.jwksUri = "http://idp.example.com/jwks"), "Pulumi.prod.yaml: lakemesh:serving.identity.jwksUri: "],
    ["fewer maximum than minimum replicas", (c: any) => (c.serving.maxReplicas = 2), "Pulumi.prod.yaml: lakemesh:serving.maxReplicas: 2 is below serving.replicas 3; at least the minimum"],
    ["a tenant id with a quote", (c: any) => (c.serving.tenants = ["t'1"]), "Pulumi.prod.yaml: lakemesh:serving.tenants.0: "],
  ])("refuses %s", (_name, edit, message) => {
    expect(read(edit)).toThrow(SettingsError);
    expect(read(edit)).toThrow(message);
  });

  it("says what algorithms are allowed", () => {
    expect(read((c) => (c.serving.identity.algorithms = ["HS256"]))).toThrow("is not allowed; RS256, PS256, ES256 or EdDSA: asymmetric algorithms only");
  });
});
