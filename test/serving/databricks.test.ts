import { generateKeyPairSync } from "crypto";
import { createLocalJWKSet, jwtVerify } from "jose";
import { compileServing, CursorCodec, servingRuntimeConfig, DATABRICKS_DIALECT } from "../../lib/serving";
import { buildApp } from "../../serving/app";
import { MemoryAuditSink, subjectHasher } from "../../serving/audit";
import { TokenVerifier } from "../../serving/auth";
import { DatabricksBackend, type SqlSession } from "../../serving/databricks/backend";
import { DatabricksEmbedMinter } from "../../serving/databricks/embed";
import { FederatedTokens } from "../../serving/databricks/federation";
import { createDeployedServer } from "../../serving/deployed";
import { DatabricksGdprJobs, DatabricksRequestStore } from "../../serving/gdpr/databricks";
import { LocalIdp, LOCAL_AUDIENCE, LOCAL_ISSUER } from "../../serving/local/idp";
import { shippedMesh, stackSettings } from "../helpers/settings";
import * as os from "os";
import * as path from "path";
import * as fs from "fs";

// The Databricks side without a workspace: every call the API makes (token exchange, tokeninfo, run-now, Files API,
// SQL with named parameters, one session per tenant principal) is checked against a recording fake.

const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const TENANTS = { "tenant-01": { applicationId: "11111111-1111-4111-8111-111111111111", federationSubject: "lakemesh-serving:prod:tenant:tenant-01" }, "tenant-02": { applicationId: "22222222-2222-4222-8222-222222222222", federationSubject: "lakemesh-serving:prod:tenant:tenant-02" } };

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  form: Record<string, string>;
}
function fakeFetch(answer: (c: Call) => unknown) {
  const calls: Call[] = [];
  const f = (async (input: string | URL, init: RequestInit = {}) => {
    const call = { url: String(input), method: init.method ?? "GET", headers: Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])), form: Object.fromEntries(new URLSearchParams(String(init.body ?? ""))), body: init.body };
    calls.push(call);
    return new Response(JSON.stringify(answer(call)), { status: 200, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return { f, calls };
}

const federation = (f: typeof fetch) => FederatedTokens.create({ host: "dbc.example.cloud.databricks.com", issuer: "https://api.example.com", audience: "lakemesh-serving-federation", tenants: TENANTS }, pem, f);

describe("token federation for tenant principals", () => {
  it("exchanges a short assertion naming the tenant for the tenant principal's token, and caches it", async () => {
    const { f, calls } = fakeFetch(() => ({ access_token: "dbx-token-1", expires_in: 3600 }));
    const fed = await federation(f);
    expect(await fed.token("tenant-02", "sql")).toBe("dbx-token-1");
    expect(await fed.token("tenant-02", "sql")).toBe("dbx-token-1");
    expect(calls).toHaveLength(1);
    const c = calls[0];
    expect([c.method, c.url]).toEqual(["POST", "https://dbc.example.cloud.databricks.com/oidc/v1/token"]);
    expect(c.form).toMatchObject({ grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", subject_token_type: "urn:ietf:params:oauth:token-type:jwt", client_id: TENANTS["tenant-02"].applicationId, scope: "sql" });
    const { payload, protectedHeader } = await jwtVerify(c.form.subject_token, createLocalJWKSet({ keys: [fed.publicJwk] }), { issuer: "https://api.example.com", audience: "lakemesh-serving-federation" });
    expect([protectedHeader.alg, payload.sub, payload.exp! - payload.iat!]).toEqual(["ES256", "lakemesh-serving:prod:tenant:tenant-02", 300]);
    expect(fed.publicJwk.d).toBeUndefined();
    await expect(fed.token("tenant-99", "sql")).rejects.toThrow("no service principal for this tenant");
  });
});

describe("embed tokens minted through the tenant's principal", () => {
  it("runs the documented three steps with the tenant as external value and a hash as viewer id", async () => {
    const viewer = "a".repeat(64);
    const { f, calls } = fakeFetch((c) =>
      c.url.includes("/tokeninfo") ? { authorization_details: [{ type: "workspace_permission", object_type: "dashboards", object_path: "d1", actions: ["read"] }], scope: "dashboards", custom_claim: `urn:aibi:external_data:tenant-01:${viewer}:d1` } : { access_token: `t${calls.length}`, expires_in: 600 },
    );
    const m = new DatabricksEmbedMinter({ host: "dbc.example.cloud.databricks.com", workspaceId: "123", federation: await federation(f), minting: "federation", fetchImpl: f });
    expect(await m.mint("d1", "tenant-01", viewer)).toEqual({ token: "t3", expiresIn: 600 });
    expect(calls.map((c) => `${c.method} ${c.url.split("?")[0]}`)).toEqual([
      "POST https://dbc.example.cloud.databricks.com/oidc/v1/token",
      "GET https://dbc.example.cloud.databricks.com/api/2.0/lakeview/dashboards/d1/published/tokeninfo",
      "POST https://dbc.example.cloud.databricks.com/oidc/v1/token",
    ]);
    expect(calls[0].form.scope).toBe("all-apis");
    expect(Object.fromEntries(new URL(calls[1].url).searchParams)).toEqual({ external_viewer_id: viewer, external_value: "tenant-01" });
    expect(calls[1].headers.authorization).toBe("Bearer t1");
    expect(calls[2].form).toMatchObject({ client_id: TENANTS["tenant-01"].applicationId, scope: "dashboards", custom_claim: `urn:aibi:external_data:tenant-01:${viewer}:d1` });
    expect(JSON.parse(calls[2].form.authorization_details)[0].object_path).toBe("d1");
    await expect(m.mint("d1", "tenant-01", "alice@example.com")).rejects.toThrow("the external viewer id must be a salted hash");
  });

  it("with minting `secret`, authenticates steps 1 and 3 with the tenant principal's OAuth secret", async () => {
    const { f, calls } = fakeFetch((c) => (c.url.includes("/tokeninfo") ? { authorization_details: [], scope: "x", custom_claim: "y" } : { access_token: "s", expires_in: 60 }));
    const m = new DatabricksEmbedMinter({ host: "h.example.com", workspaceId: "1", federation: await federation(f), minting: "secret", oauthSecret: () => "sp-secret", fetchImpl: f });
    await m.mint("d1", "tenant-02", "b".repeat(64));
    const basic = `Basic ${Buffer.from(`${TENANTS["tenant-02"].applicationId}:sp-secret`).toString("base64")}`;
    expect([calls[0].headers.authorization, calls[0].form.grant_type, calls[2].headers.authorization]).toEqual([basic, "client_credentials", basic]);
  });
});

describe("the Databricks backend: one session per tenant principal, SQL with named parameters", () => {
  function fakeSessions(rows: (tenant: string) => object[]) {
    const opened: string[] = [];
    const executed: { tenant: string; sql: string; params: unknown }[] = [];
    const factory = async (tenant: string): Promise<SqlSession> => {
      opened.push(tenant);
      return {
        async executeStatement(sql, o) {
          executed.push({ tenant, sql, params: o.namedParameters });
          return { fetchAll: async () => rows(tenant), close: async () => undefined };
        },
        close: async () => undefined,
      };
    };
    return { factory, opened, executed };
  }

  async function app(rows: (tenant: string) => object[]) {
    const s = stackSettings("prod");
    const spec = compileServing(s, shippedMesh())!;
    const fake = fakeSessions(rows);
    const idp = await LocalIdp.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-idp-")), "k.json"));
    const a = await buildApp({
      catalog: spec.catalog,
      backend: new DatabricksBackend(fake.factory, "tenant-01"),
      verifier: new TokenVerifier({ issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: ["ES256"], jwks: { keys: idp.jwks } }),
      cursors: new CursorCodec("k".repeat(32)),
      audit: new MemoryAuditSink(),
      hashSubject: subjectHasher("a-salt-of-16-chars"),
      tenants: new Set(["tenant-01", "tenant-02"]),
    });
    return { a, fake, idp };
  }

  it("runs each tenant's query in that tenant's principal's session, values bound", async () => {
    const { a, fake, idp } = await app((tenant) => [{ tenant_id: tenant, plan_id: "p1", plan_name: "Plan", plan_type: "ESOP", share_class: "A", currency: "EUR", status: "active", effective_date: new Date(Date.UTC(2025, 0, 2)), updated_at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)) }]);
    for (const tenant of ["tenant-02", "tenant-01", "tenant-02"]) {
      const r = await a.inject({ url: "/v1/core-business/equity_plans?status=active", headers: { authorization: `Bearer ${await idp.token({ tenant, persona: "client_admin", subject: "a" })}` } });
      expect(r.statusCode).toBe(200);
      expect(JSON.parse(r.body).data[0]).toMatchObject({ tenant_id: tenant, effective_date: "2025-01-02" });
    }
    expect(fake.opened).toEqual(["tenant-02", "tenant-01"]);
    expect(fake.executed.map((e) => [e.tenant, (e.params as Record<string, string>).tenant, (e.params as Record<string, string>).p0])).toEqual([
      ["tenant-02", "tenant-02", "active"],
      ["tenant-01", "tenant-01", "active"],
      ["tenant-02", "tenant-02", "active"],
    ]);
    expect(fake.executed[0].sql).toMatch(/^SELECT .* FROM `lakemesh_prod`\.`core_business`\.`equity_plans` WHERE `tenant_id` = :tenant AND `status` = :p0 ORDER BY/);
    expect(fake.executed[0].sql).not.toContain("active");
    await a.close();
  });

  it("never sends a row of another tenant, even if the warehouse returned one (500, nothing leaked)", async () => {
    const { a, idp } = await app(() => [{ tenant_id: "tenant-02", plan_id: "secret-plan" }]);
    const r = await a.inject({ url: "/v1/core-business/equity_plans", headers: { authorization: `Bearer ${await idp.token({ tenant: "tenant-01", persona: "client_admin", subject: "a" })}` } });
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toContain("secret-plan");
    await a.close();
  });

  it("uses the Databricks dialect", () => {
    expect(new DatabricksBackend(async () => ({}) as SqlSession, "t").dialect).toBe(DATABRICKS_DIALECT);
  });
});

describe("GDPR intake on Databricks", () => {
  it("records requests as appended rows with bound values and reads back the furthest status", async () => {
    const rows: Record<string, unknown>[] = [];
    const executed: { tenant: string; sql: string; params: Record<string, string | null> }[] = [];
    const db = {
      dialect: DATABRICKS_DIALECT,
      async query(tenant: string, sql: string, params: Record<string, string | null>) {
        executed.push({ tenant, sql, params });
        if (sql.startsWith("INSERT INTO `lakemesh_prod`.`governance`.`serving_gdpr_requests`")) {
          rows.push({ ...params, updated_at: params.updated_at });
          return [];
        }
        if (sql.startsWith("INSERT")) return [];
        return rows.filter((r) => r.tenant_id === params.tenant && r.request_id === params.request_id).sort((x, y) => String(y.updated_at).localeCompare(String(x.updated_at)));
      },
      ready: async () => undefined,
      close: async () => undefined,
    };
    const store = new DatabricksRequestStore(db, "lakemesh_prod.governance.serving_gdpr_requests");
    const id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const record = { requestId: id, type: "access" as const, tenant: "tenant-01", subjectHash: "h".repeat(64), requesterHash: "r".repeat(64), status: "received" as const, requestedAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z", run: null, counts: null };
    await store.create({ record, subject: "user-01-001" });
    await store.update("tenant-01", id, { status: "running" });
    await store.update("tenant-01", id, { status: "submitted", run: "databricks-run:7" });
    expect(await store.get("tenant-01", id)).toMatchObject({ status: "running", run: "databricks-run:7" });
    expect(await store.get("tenant-02", id)).toBeNull();
    expect(executed[0].sql).toBe(
      "INSERT INTO `lakemesh_prod`.`governance`.`serving_gdpr_requests` (request_id, request_type, tenant_id, subject_hash, requester_hash, status, run_ref, counts, requested_at, updated_at) VALUES (:request_id, :request_type, :tenant_id, :subject_hash, :requester_hash, :status, :run_ref, :counts, CAST(:requested_at AS TIMESTAMP), CAST(:updated_at AS TIMESTAMP))",
    );
    // The raw subject goes to the platform's request inbox only, as a bound parameter through the tenant's session;
    // the job reads it from there (run-now carries the request id alone).
    const inbox = executed.filter((x) => x.sql.includes("gdpr_request_inbox"));
    expect(inbox).toEqual([
      {
        tenant: "tenant-01",
        sql: "INSERT INTO `lakemesh_prod`.`governance`.`gdpr_request_inbox` (request_id, request_type, tenant_id, subject_id, requested_by, requested_at) VALUES (:request_id, :request_type, :tenant_id, :subject_id, current_user(), current_timestamp())",
        params: { request_id: id, request_type: "access", tenant_id: "tenant-01", subject_id: "user-01-001" },
      },
    ]);
    expect(JSON.stringify(executed.filter((x) => x !== inbox[0]))).not.toContain("user-01-001");
    expect(executed.map((x) => x.sql).join("\n")).not.toContain("user-01-001");
  });

  it("starts the job with run-now as the tenant's principal, polls it, and reads the export from the volume", async () => {
    const { f, calls } = fakeFetch((c) => {
      if (c.url.endsWith("/oidc/v1/token")) return { access_token: "tok-t1", expires_in: 3600 };
      if (c.url.includes("/jobs/list")) return { jobs: [{ job_id: 42, settings: { name: "lakemesh-prod-gdpr-subject-access" } }] };
      if (c.url.endsWith("/run-now")) return { run_id: 7 };
      if (c.url.includes("/runs/get")) return { state: { life_cycle_state: "TERMINATED", result_state: "SUCCESS" } };
      if (c.url.endsWith("/manifest.json")) return { datasets: { "c.s.t": 1 } };
      return { dataset: "c.s.t", rows: [{ a: 1 }] };
    });
    const jobs = new DatabricksGdprJobs({ host: "dbc.example.com", federation: await federation(f), accessJob: "lakemesh-prod-gdpr-subject-access", erasureJob: "e", exportRoot: "/Volumes/c/governance/gdpr_exports", fetchImpl: f });
    const r = { requestId: "0f8fad5b-d9cb-469f-a165-70867728950e", type: "access" as const, tenant: "tenant-01", subjectHash: "", requesterHash: "", status: "submitted" as const, requestedAt: "", updatedAt: "", run: null, counts: null };
    expect(await jobs.start(r, "user-01-001")).toBe("databricks-run:7");
    const runNow = calls.find((c) => c.url.endsWith("/run-now"))!;
    expect(runNow.headers.authorization).toBe("Bearer tok-t1");
    // The request id only: no subject or tenant id in the run's parameters (run history keeps them 60 days).
    expect(JSON.parse(String(runNow.body))).toEqual({ job_id: 42, job_parameters: { request_id: r.requestId } });
    expect(await jobs.poll({ ...r, run: "databricks-run:7" })).toEqual({ status: "done" });
    expect(await jobs.readExport(r)).toEqual({ manifest: { datasets: { "c.s.t": 1 } }, datasets: { "c.s.t": { dataset: "c.s.t", rows: [{ a: 1 }] } } });
    expect(calls.map((c) => c.url).filter((u) => u.includes("/fs/files/"))).toEqual([
      "https://dbc.example.com/api/2.0/fs/files/Volumes/c/governance/gdpr_exports/0f8fad5b-d9cb-469f-a165-70867728950e/manifest.json",
      "https://dbc.example.com/api/2.0/fs/files/Volumes/c/governance/gdpr_exports/0f8fad5b-d9cb-469f-a165-70867728950e/c.s.t.json",
    ]);
  });
});

describe("the deployed server", () => {
  it("starts from the program's runtime config and serves its federation key at the issuer's well-known endpoints", async () => {
    const s = stackSettings("prod");
    const spec = compileServing(s, shippedMesh())!;
    const config = servingRuntimeConfig(s, spec, { warehouseId: "w1", applicationIds: Object.fromEntries(s.serving!.tenants.map((t, i) => [t, `0000000${i}-0000-4000-8000-000000000000`])), dashboardIds: { kpis: "d-kpis" } });
    const env = { LAKEMESH_FEDERATION_KEY: pem, LAKEMESH_CURSOR_KEY: "c".repeat(32), LAKEMESH_SUBJECT_SALT: "s".repeat(16) };
    const app = await createDeployedServer(config, env, fakeFetch(() => ({})).f);
    const oidc = JSON.parse((await app.inject({ url: "/.well-known/openid-configuration" })).body);
    expect(oidc).toEqual({ issuer: "https://api.lakemesh.example.com", jwks_uri: "https://api.lakemesh.example.com/.well-known/jwks.json", id_token_signing_alg_values_supported: ["ES256"] });
    const jwks = JSON.parse((await app.inject({ url: "/.well-known/jwks.json" })).body);
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(jwks.keys[0].d).toBeUndefined();
    expect((await app.inject({ url: "/healthz" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/v1/dashboards" })).statusCode).toBe(401);
    await app.close();
  });

  it("refuses to start without its secrets", async () => {
    const s = stackSettings("prod");
    const config = servingRuntimeConfig(s, compileServing(s, shippedMesh())!, { warehouseId: "w", applicationIds: Object.fromEntries(s.serving!.tenants.map((t) => [t, "x"])), dashboardIds: {} });
    await expect(createDeployedServer(config, {})).rejects.toThrow("LAKEMESH_FEDERATION_KEY is not set (it comes from the serving secret)");
  });
});
