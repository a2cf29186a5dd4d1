import { startTestServer, type TestServer } from "../helpers/serving";

let t: TestServer;
let admin: string;
beforeAll(async () => {
  t = await startTestServer({ rateLimit: { max: 5, timeWindowMs: 60_000 } });
  admin = await t.token("tenant-01", "client_admin");
}, 120_000);
afterAll(async () => t?.close());

describe("problem details, request ids and headers", () => {
  it("answers errors as RFC 9457 problems with the request id as instance", async () => {
    const r = await t.get("/v1/no/such/thing", admin, { "x-request-id": "req-abc-12345" });
    expect(r.status).toBe(404);
    expect(r.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(r.headers["x-request-id"]).toBe("req-abc-12345");
    expect(r.body).toEqual({ type: "https://lakemesh.dev/problems/not-found", title: "Not found", status: 404, detail: "no such resource; see /docs for the API", instance: "urn:lakemesh:request:req-abc-12345" });
  });

  it("replaces a request id that is not a plain token", async () => {
    const r = await t.get("/healthz", undefined, { "x-request-id": "x'; DROP" });
    expect(r.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("names the parameter and what is allowed, never the value", async () => {
    const r = await t.get("/v1/core-business/equity_grants?sort=no_such_column", admin);
    expect(r.body).toMatchObject({ status: 400, type: "https://lakemesh.dev/problems/invalid-parameter" });
    expect(r.body.detail).toMatch(/^sort: not a sortable column of core-business.equity_grants; sortable: tenant_id, grant_id, /);
  });

  it("hides internal errors behind a 500 without detail", async () => {
    const b = t.server.seeded.backend;
    const query = b.query;
    b.query = async () => {
      throw new Error('Binder Error: column "secret_col" not found in SELECT ...');
    };
    try {
      const r = await t.get("/v1/core-business/equity_plans", await t.token("tenant-02", "client_admin"));
      expect(r.status).toBe(500);
      expect(r.text).not.toContain("Binder");
      expect(r.text).not.toContain("SELECT");
      expect(r.body.detail).toMatch(/^something went wrong; quote request /);
    } finally {
      b.query = query;
    }
  });

  it("sets no-store, nosniff and no-referrer on API responses", async () => {
    const r = await t.get("/v1/datasets", await t.token("tenant-03", "client_admin"));
    expect(r.status).toBe(200);
    expect([r.headers["cache-control"], r.headers["x-content-type-options"], r.headers["referrer-policy"]]).toEqual(["no-store", "nosniff", "no-referrer"]);
  });
});

describe("health, readiness and the OpenAPI document", () => {
  it("serves liveness and readiness without a token", async () => {
    expect((await t.get("/healthz")).body).toEqual({ status: "ok" });
    expect((await t.get("/readyz")).body).toEqual({ status: "ready" });
  });

  it("reports not ready when the backend cannot answer", async () => {
    const b = t.server.seeded.backend;
    const ready = b.ready;
    b.ready = async () => {
      throw new Error("down");
    };
    try {
      const r = await t.get("/readyz");
      expect([r.status, r.body.type]).toEqual([503, "https://lakemesh.dev/problems/not-ready"]);
    } finally {
      b.ready = ready;
    }
  });

  it("generates OpenAPI 3.1 from the route schemas: every dataset, its filters, bearer security", async () => {
    const doc = (await t.get("/openapi.json")).body;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: "http", scheme: "bearer", bearerFormat: "JWT" });
    for (const ds of t.server.catalog.datasets) expect(Object.keys(doc.paths)).toContain(ds.path);
    const grants = doc.paths["/v1/core-business/equity_grants"].get;
    const names = grants.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(["fields", "sort", "limit", "cursor", "grant_id", "grant_date.gte", "shares_granted.lt"]));
    expect(grants.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(grants.responses)).toEqual(["200", "400", "401", "403", "429"]);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/gdpr/requests", "/v1/gdpr/requests/{id}", "/v1/gdpr/requests/{id}/export", "/v1/dashboards/{name}/embed-token"]));
    // Local stand-in routes and probes are not part of the API.
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith("/v1/"))).toEqual([]);
  });

  it("serves the OpenAPI UI with its assets from the npm package (no CDN)", async () => {
    const page = await t.get("/docs/");
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/https?:\/\/(unpkg|cdn|cdnjs)/);
    expect((await t.get("/docs/static/swagger-ui-bundle.js")).status).toBe(200);
    expect((await t.get("/docs/json")).body.openapi).toBe("3.1.0");
  });
});

describe("per-tenant rate limits", () => {
  it("limits each tenant separately and answers 429 as a problem with Retry-After", async () => {
    const a = await t.token("tenant-01", "end_user", "user-01-001");
    const b = await t.token("tenant-02", "client_admin");
    // tenant-01 already used some of its 5 requests above; use the rest.
    let last;
    for (let i = 0; i < 6; i++) last = await t.get("/v1/core-business/equity_grants?limit=1", a);
    expect(last!.status).toBe(429);
    expect(last!.headers["retry-after"]).toBeDefined();
    expect(last!.body).toMatchObject({ type: "https://lakemesh.dev/problems/rate-limited", status: 429 });
    // Another user of the same tenant shares the limit; another tenant does not.
    expect((await t.get("/v1/core-business/equity_grants?limit=1", admin)).status).toBe(429);
    expect((await t.get("/v1/core-business/equity_grants?limit=1", b)).status).toBe(200);
  });
});

describe("audit", () => {
  it("records who (hashed), tenant, query, rows and duration for every API request, and never a value", async () => {
    const token = await t.token("tenant-03", "end_user", "user-03-002");
    const before = t.audit.records.length;
    const r = await t.get("/v1/core-business/equity_grants?status=granted&holder_email=person.03.002%40tenant-03.example.com&limit=3", token, { "x-request-id": "audit-test-0001" });
    expect(r.status).toBe(200);
    const rec = t.audit.records.slice(before).find((x) => x.requestId === "audit-test-0001")!;
    expect(rec).toEqual({
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      requestId: "audit-test-0001",
      method: "GET",
      route: "/v1/core-business/equity_grants",
      status: 200,
      persona: "end_user",
      tenant: "tenant-03",
      subjectHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      query: "core-business.equity_grants",
      rows: r.body.data.length,
      durationMs: expect.any(Number),
    });
    const text = JSON.stringify(t.audit.records);
    for (const secret of ["user-03-002", "person.03.002", "granted", token.slice(-20)]) expect(text).not.toContain(secret);
  });

  it("names the query of a request refused by validation", async () => {
    const before = t.audit.records.length;
    await t.get("/v1/core-business/equity_plans?limit=0x41", await t.token("tenant-03", "client_admin"));
    expect(t.audit.records.slice(before)).toEqual([expect.objectContaining({ status: 400, tenant: "tenant-03", query: "core-business.equity_plans", rows: null })]);
  });

  it("records refused requests too, without identity", async () => {
    const before = t.audit.records.length;
    await t.get("/v1/core-business/equity_grants", "not.a.token");
    expect(t.audit.records.slice(before)).toEqual([expect.objectContaining({ status: 401, persona: null, tenant: null, subjectHash: null, query: "core-business.equity_grants", rows: null })]);
  });
});
