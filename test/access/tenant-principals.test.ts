import type { PlannedResource } from "../../cli/plan/record";
import { accessReport, servedPrincipals, tenantMappings, type VisibilityRow } from "../../lib/access";
import { baselineResources, change } from "../helpers/policy";

// The serving tenant principals in the access model: each is evaluated as a principal of its own (its groups, its
// rows in tenant_principals as the plan writes them), next to the personas. Baseline: the fixture mesh's prod plan,
// which serves tenant-01..03; "without serving" drops the Serving component and everything under it.
// The fixture serves alpha.accounts to nobody through the API: give the API persona USE SCHEMA and the governance
// SQL's GRANT on it (as the manifest's access would), so its tenant principals read something to look at.
const API = "lakemesh-prod-api-service";
let base: PlannedResource[];
beforeAll(async () => {
  const plain = await baselineResources();
  const schema = change(plain, (r) => r.name === "alpha-schema-grants", (g) => g.inputs.grants.push({ principal: API, privileges: ["USE_SCHEMA"] }));
  base = change(schema, (r) => r.name === "alpha-governance-sql", (f) => {
    const text = Buffer.from(f.inputs.contentBase64, "base64").toString("utf8");
    const revoke = `REVOKE SELECT ON TABLE \`lakemesh_prod\`.\`alpha\`.\`accounts\` FROM \`${API}\`;`;
    if (!text.includes(revoke)) throw new Error("the fixture's governance SQL no longer revokes the API persona's SELECT on accounts");
    f.inputs.contentBase64 = Buffer.from(text.replace(revoke, `GRANT SELECT ON TABLE \`lakemesh_prod\`.\`alpha\`.\`accounts\` TO \`${API}\`;`)).toString("base64");
  });
});

const SERVING = "lakemesh:serving:Serving";
const ROWS = (r: PlannedResource) => r.name === "governance-tenant_principals-serving-rows";
const withoutServing = (rs: readonly PlannedResource[]) => {
  const gone = new Set(rs.filter((r) => r.type === SERVING).map((r) => r.urn));
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rs) if (!gone.has(r.urn) && gone.has(r.parent)) (gone.add(r.urn), (grew = true));
  }
  return rs.filter((r) => !gone.has(r.urn));
};
/** Edits the INSERT statement's bound parameters of the serving rows. */
const params = (rs: readonly PlannedResource[], edit: (p: { name: string; value: string }[]) => void) => change(rs, ROWS, (r) => edit(r.inputs.create[1].parameters));
const principalOf = (rs: readonly PlannedResource[], tenant: string) => servedPrincipals(rs).find((s) => s.tenant === tenant)!.principal;
const rowOf = (rs: readonly PlannedResource[], persona: string, table: string): VisibilityRow => {
  const v = accessReport(rs).visibility.find((x) => x.persona === persona && x.dataset === table);
  if (!v) throw new Error(`no row ${persona} x ${table}`);
  return v;
};
const ACCOUNTS = "lakemesh_prod.alpha.accounts";
const INTAKE = "lakemesh_prod.governance.serving_gdpr_requests";

describe("reading the tenant principals from the plan", () => {
  it("takes tenant, principal and role from the tenant_principals rows' bound parameters, and the served tenant from the API's config", () => {
    const mapped = tenantMappings(base);
    expect(mapped.map((m) => [m.tenant, m.role, m.via])).toEqual([
      ["tenant-01", "client_admin", "governance-tenant_principals-serving-rows"],
      ["tenant-02", "client_admin", "governance-tenant_principals-serving-rows"],
      ["tenant-03", "client_admin", "governance-tenant_principals-serving-rows"],
    ]);
    const served = servedPrincipals(base);
    expect(served.map((s) => s.tenant)).toEqual(["tenant-01", "tenant-02", "tenant-03"]);
    expect(mapped.map((m) => m.principal)).toEqual(served.map((s) => s.principal));
  });
  it.each([
    ["a literal role", "(:tenant_0, :principal_0, 'end_user', current_timestamp())", "end_user"],
    ["a bound role", "(:tenant_0, :principal_0, :role, current_timestamp())", "client_admin"],
    ["no role at all (cannot exist: the column is NOT NULL)", "(:tenant_0, :principal_0, NULL, current_timestamp())", undefined],
  ])("reads %s", (_what, tuple, role) => {
    const r = change(base, ROWS, (x) => (x.inputs.create[1].sql = x.inputs.create[1].sql.replace(/VALUES[\s\S]*$/, `VALUES\n${tuple}`)));
    expect(tenantMappings(r).map((m) => m.role)).toEqual(role ? [role] : []);
  });
});

describe("visibility with and without serving", () => {
  it("without serving: no tenant principal rows; with serving: the personas' rows are unchanged and each tenant principal is added", () => {
    const without = accessReport(withoutServing(base)).visibility;
    const withS = accessReport(base).visibility;
    expect(without.some((v) => v.tenantPrincipal)).toBe(false);
    expect(withS.filter((v) => !v.tenantPrincipal).map((v) => [v.persona, v.dataset, v.rows, v.columns]).filter(([, d]) => d !== INTAKE)).toEqual(
      without.map((v) => [v.persona, v.dataset, v.rows, v.columns]),
    );
    expect([...new Set(withS.filter((v) => v.tenantPrincipal).map((v) => v.persona))]).toEqual(["tenant principal tenant-01", "tenant principal tenant-02", "tenant principal tenant-03"]);
  });

  it("a tenant principal reads through the API and BI groups it joins, its own tenant only, with the masks as they resolve for client_admin", () => {
    const v = rowOf(base, "tenant principal tenant-01", ACCOUNTS);
    expect(v.principal).toBe(principalOf(base, "tenant-01"));
    expect(v.tenantPrincipal).toEqual({
      serves: "tenant-01",
      mappings: [{ tenant: "tenant-01", role: "client_admin", via: "governance-tenant_principals-serving-rows" }],
      personas: ["api_service", "bi_service"],
    });
    expect([v.rows, v.columns]).toEqual(["own tenant", { account_id: "clear (own tenant)", email: "clear (own tenant)" }]);
    expect(v.how).toMatch(/^SELECT via alpha-job \(governance SQL\) \+ serving-tenant-tenant-01-member-lakemesh-prod-api-service; tenant_filter: mapped to tenant-01 as client_admin/);
    // The API persona's own row models the group with the role service: masked. The principal is what the API runs as.
    expect(rowOf(base, "api_service", ACCOUNTS).columns).toEqual({ account_id: "masked", email: "masked" });
  });

  // One change to the baseline per row: what the tenant principal of tenant-01 then reads of alpha.accounts.
  it.each<[string, (rs: PlannedResource[]) => PlannedResource[], string, Record<string, string>, string]>([
    ["as planned", (rs) => rs, "own tenant", { account_id: "clear (own tenant)", email: "clear (own tenant)" }, "tenant-01"],
    ["mapped with the role end_user", (rs) => params(rs, (p) => (p.find((x) => x.name === "role")!.value = "end_user")), "own tenant", { account_id: "masked", email: "masked" }, "tenant-01"],
    ["mapped to tenant-02 instead", (rs) => params(rs, (p) => (p.find((x) => x.name === "tenant_0")!.value = "tenant-02")), "own tenant", { account_id: "clear (own tenant)", email: "clear (own tenant)" }, "tenant-02"],
    ["mapped to a second tenant as well", (rs) => params(rs, (p) => (p.find((x) => x.name === "principal_1")!.value = p.find((x) => x.name === "principal_0")!.value)), "none", {}, "tenant-01,tenant-02"],
    ["out of the API group", (rs) => rs.filter((r) => !(r.type === "lakemesh:access:GroupMembership" && r.name === "serving-tenant-tenant-01-member-lakemesh-prod-api-service")), "none", {}, "tenant-01"],
  ])("%s", (_what, edit, rows, columns, tenants) => {
    const v = rowOf(edit(base), "tenant principal tenant-01", ACCOUNTS);
    expect([v.rows, v.columns, v.tenantPrincipal!.mappings.map((m) => m.tenant).join(",")]).toEqual([rows, columns, tenants]);
  });

  it("a tenant principal put in a group the filter reveals to reads every tenant", () => {
    const pipelines = base.find((r) => r.type === "lakemesh:access:GroupMembership" && r.inputs.group === "lakemesh-prod-pipelines")!;
    const r = [...base, { ...structuredClone(pipelines), urn: `${pipelines.urn}-tp`, name: "tp-in-pipelines", inputs: { group: "lakemesh-prod-pipelines", member: principalOf(base, "tenant-01") } }];
    const child = base.find((x) => x.parent === pipelines.urn)!;
    r.push({ ...structuredClone(child), urn: `${child.urn}-tp`, parent: `${pipelines.urn}-tp` });
    const v = rowOf(r, "tenant principal tenant-01", ACCOUNTS);
    expect([v.rows, v.columns]).toEqual(["all", { account_id: "clear", email: "clear" }]);
  });
});
