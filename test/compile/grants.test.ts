import { compileSchemaGrants, compileTableGrants, meshOf, type Mesh } from "../../lib/compile";
import { fixtureMesh, shippedMesh, stackSettings } from "../helpers/settings";

const s = stackSettings("prod");

describe("schema grants", () => {
  it("are one authoritative list: admin, owners, GDPR, readers and declared consumers", () => {
    const mesh = fixtureMesh();
    // beta's gold reads alpha.accounts but is not active; the declaration alone gives USE_SCHEMA.
    expect(compileSchemaGrants(s, mesh, mesh.byName.get("alpha")!)).toEqual({
      resourceName: "alpha-schema-grants",
      schema: "alpha",
      grants: [
        // DataHub's read-only principal lists the schema; the domain's own principal publishes, tags and grants.
        // The GDPR jobs' principal changes data (erasure, retention); the officers' group only reads (issue 15, item 11).
        { principal: "5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c01", privileges: ["MODIFY", "SELECT", "USE_SCHEMA"] },
        { principal: "5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c02", privileges: ["USE_SCHEMA"] },
        { principal: "a1a1a1a1-0000-4000-8000-00000000a001", privileges: ["APPLY_TAG", "CREATE_MATERIALIZED_VIEW", "CREATE_TABLE", "MANAGE", "MODIFY", "REFRESH", "SELECT", "USE_SCHEMA"] },
        { principal: "lakemesh-prod-domain-alpha", privileges: ["APPLY_TAG", "CREATE_MATERIALIZED_VIEW", "CREATE_TABLE", "MODIFY", "REFRESH", "SELECT", "USE_SCHEMA"] },
        { principal: "lakemesh-prod-domain-beta", privileges: ["USE_SCHEMA"] },
        { principal: "lakemesh-prod-gdpr-officers", privileges: ["SELECT", "USE_SCHEMA"] },
        { principal: "lakemesh-prod-internal-analysts", privileges: ["USE_SCHEMA"] },
        { principal: "lakemesh-prod-platform-admins", privileges: ["ALL_PRIVILEGES"] },
      ],
    });
  });

  it("never grant ALL_PRIVILEGES beyond the platform admins, nor anything to account users", () => {
    const mesh = shippedMesh();
    for (const d of mesh.domains) {
      for (const g of compileSchemaGrants(s, mesh, d).grants) {
        if (g.privileges.includes("ALL_PRIVILEGES")) expect(g.principal).toBe(s.personas.platform_admin);
        expect(["account users", "users"]).not.toContain(g.principal);
      }
    }
  });
});

describe("table grants", () => {
  it("grant each dataset to its personas and declared consumers, and revoke from other readers", () => {
    const mesh = fixtureMesh();
    const g = compileTableGrants(s, mesh, mesh.byName.get("alpha")!).map((x) => `${x.action} ${x.table} ${x.principal}`);
    expect(g).toEqual([
      "REVOKE bronze_accounts lakemesh-prod-data-scientists",
      "REVOKE bronze_accounts lakemesh-prod-internal-analysts",
      "REVOKE bronze_accounts lakemesh-prod-client-admins",
      "REVOKE bronze_accounts lakemesh-prod-api-service",
      "REVOKE bronze_accounts lakemesh-prod-bi-service",
      "REVOKE bronze_accounts lakemesh-prod-legal-hold",
      "REVOKE bronze_accounts lakemesh-prod-domain-beta",
      "REVOKE lm__tenant_quarantine lakemesh-prod-data-scientists",
      "REVOKE lm__tenant_quarantine lakemesh-prod-internal-analysts",
      "REVOKE lm__tenant_quarantine lakemesh-prod-client-admins",
      "REVOKE lm__tenant_quarantine lakemesh-prod-api-service",
      "REVOKE lm__tenant_quarantine lakemesh-prod-bi-service",
      "REVOKE lm__tenant_quarantine lakemesh-prod-legal-hold",
      "REVOKE lm__tenant_quarantine lakemesh-prod-domain-beta",
      "REVOKE accounts lakemesh-prod-data-scientists",
      "GRANT accounts lakemesh-prod-internal-analysts",
      "REVOKE accounts lakemesh-prod-client-admins",
      "REVOKE accounts lakemesh-prod-api-service",
      "REVOKE accounts lakemesh-prod-bi-service",
      "REVOKE accounts lakemesh-prod-legal-hold",
      "GRANT accounts lakemesh-prod-domain-beta",
      "REVOKE balances_by_region lakemesh-prod-data-scientists",
      "REVOKE balances_by_region lakemesh-prod-internal-analysts",
      "REVOKE balances_by_region lakemesh-prod-client-admins",
      "REVOKE balances_by_region lakemesh-prod-api-service",
      "REVOKE balances_by_region lakemesh-prod-bi-service",
      "REVOKE balances_by_region lakemesh-prod-legal-hold",
      "REVOKE balances_by_region lakemesh-prod-domain-beta",
    ]);
  });

  it("grant the legal-hold role SELECT on held datasets' tables only, and USE SCHEMA where the domain holds one (issue 14 item 4)", () => {
    const mesh = fixtureMesh();
    const alpha = structuredClone(mesh.byName.get("alpha")!);
    const accounts = alpha.spec.datasets.find((d) => d.name === "accounts")!;
    (accounts as { legalHold?: unknown }).legalHold = { obligation: "§147 AO: tax records 10 years", period: "P1Y" };
    const hold = (d: typeof alpha) => compileTableGrants(s, mesh, d).filter((x) => x.principal === s.personas.legal_hold).map((x) => `${x.action} ${x.table}`);
    expect(hold(alpha)).toEqual(["REVOKE bronze_accounts", "REVOKE lm__tenant_quarantine", "GRANT accounts", "REVOKE balances_by_region"]);
    expect(hold(mesh.byName.get("alpha")!).filter((x) => x.startsWith("GRANT"))).toEqual([]);
    const schemaHold = (d: typeof alpha) => compileSchemaGrants(s, mesh, d).grants.find((x) => x.principal === s.personas.legal_hold)?.privileges;
    expect(schemaHold(alpha)).toEqual(["USE_SCHEMA"]);
    expect(schemaHold(mesh.byName.get("alpha")!)).toBeUndefined();
  });

  it("let a GRANT win when two personas share a group", () => {
    const shared = { ...s, personas: { ...s.personas, client_admin: s.personas.internal_analyst } };
    const mesh = fixtureMesh();
    const g = compileTableGrants(shared, mesh, mesh.byName.get("alpha")!).filter((x) => x.table === "accounts" && x.principal === s.personas.internal_analyst);
    expect(g.map((x) => x.action)).toEqual(["GRANT"]);
  });

  it("follow the consumer declaration, not the reader's gold sources: an undeclared reader is revoked", () => {
    const mesh = fixtureMesh();
    const beta = structuredClone(mesh.byName.get("beta")!);
    beta.spec.consumers = [];
    const g = compileTableGrants(s, meshOf([mesh.byName.get("alpha")!, beta]), mesh.byName.get("alpha")!);
    expect(g.filter((x) => x.principal === "lakemesh-prod-domain-beta").map((x) => `${x.action} ${x.table}`)).toEqual(["REVOKE bronze_accounts", "REVOKE lm__tenant_quarantine", "REVOKE accounts", "REVOKE balances_by_region"]);
  });

  it("take a removed consumer's SELECT and USE_SCHEMA away: add, then remove (issue 15, item 7)", () => {
    const mesh = fixtureMesh();
    const alpha = mesh.byName.get("alpha")!;
    const beta = structuredClone(mesh.byName.get("beta")!);
    beta.spec.consumers = [];
    const removed = meshOf([alpha, beta]);
    // The statements are not Pulumi state: what the workspace holds is every run's GRANT and REVOKE, in order.
    const after = (meshes: Mesh[]) => {
      const state = new Set<string>();
      for (const m of meshes) for (const g of compileTableGrants(s, m, alpha)) {
        const key = `${g.principal} ${g.table}`;
        if (g.action === "GRANT") state.add(key);
        else state.delete(key);
      }
      return [...state].filter((x) => x.startsWith("lakemesh-prod-domain-beta "));
    };
    expect(after([mesh])).toEqual(["lakemesh-prod-domain-beta accounts"]);
    expect(after([mesh, removed])).toEqual([]);
    const schemaReaders = (m: Mesh) => compileSchemaGrants(s, m, alpha).grants.filter((g) => g.principal === "lakemesh-prod-domain-beta");
    expect(schemaReaders(mesh).map((g) => g.privileges)).toEqual([["USE_SCHEMA"]]);
    expect(schemaReaders(removed)).toEqual([]);
  });
});
