import { GDPR_SUBJECT_ID } from "../../lib/compile";
import { filterParam } from "../../lib/serving";
import { startTestServer, type TestServer } from "../helpers/serving";

// Injection corpus in every parameter of every endpoint: each request is refused with 400 (404 for unknown paths),
// and no corpus string ever reaches SQL text, whatever the outcome.

/** Payloads with SQL metacharacters (quotes, semicolons, comment markers, backslashes, NUL, backticks). */
const CORPUS = [
  "' OR '1'='1",
  "'; DROP TABLE equity_grants; --",
  '" OR 1=1 --',
  "1; SELECT 1",
  "admin'--",
  "x` OR 1=1",
  "' UNION SELECT * FROM lakemesh_dev.core_business.equity_grants --",
  "/* */ OR 1=1",
  "1 */ OR /* 1",
  "\\' OR 1=1",
  "tenant-02\u0000",
  "' || (SELECT current_user()) || '",
  "2025-01-01'; --",
  "-1 OR 1=1 --",
  "tenant_id = tenant_id; --",
  "';SET VARIABLE lakemesh_tenant='tenant-02",
];
/** Keyword-only payloads: refused by every typed parameter; for a STRING filter they are data, bound as a parameter. */
const KEYWORDS = ["1 OR 1=1", "1) OR (1=1", "NULL", "tenant_id", "getvariable(lakemesh_tenant)", "$tenant", ":tenant", "0x41", "1e309", "true OR 1=1"];

let t: TestServer;
let admin: string;
const sqlTexts: string[] = [];

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.token("tenant-01", "client_admin");
  const b = t.server.seeded.backend;
  const query = b.query.bind(b);
  b.query = async (tenant, sql, params) => {
    sqlTexts.push(sql);
    return query(tenant, sql, params);
  };
}, 120_000);
afterAll(async () => t?.close());

const reachedSql = (payloads: readonly string[]) => sqlTexts.filter((s) => payloads.some((p) => s.includes(p)));

describe("injection corpus in every dataset parameter", () => {
  it("returns 400 for every corpus string in fields, sort, limit, cursor and every filter, and no SQL runs with it", async () => {
    const failures: string[] = [];
    let requests = 0;
    for (const ds of t.server.catalog.datasets) {
      const params = ["fields", "sort", "limit", "cursor", ...ds.columns.flatMap((c) => c.filters.map((op) => filterParam(c.name, op)))];
      for (const p of params) {
        for (const payload of CORPUS) {
          const r = await t.get(`${ds.path}?${new URLSearchParams({ [p]: payload })}`, admin);
          requests++;
          if (r.status !== 400 || !String(r.headers["content-type"]).startsWith("application/problem+json")) failures.push(`${ds.id} ${p}=${JSON.stringify(payload)} -> ${r.status}`);
          if (r.text.includes(payload)) failures.push(`${ds.id} ${p}: the problem echoes the payload`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(1000);
    expect(reachedSql(CORPUS)).toEqual([]);
  });

  it("returns 400 for keyword payloads in every typed parameter; in STRING filters they are bound and leave the SQL text unchanged", async () => {
    const failures: string[] = [];
    const sqlOf = async (url: string) => {
      const before = sqlTexts.length;
      const r = await t.get(url, admin);
      return { r, sql: sqlTexts.slice(before) };
    };
    for (const ds of t.server.catalog.datasets) {
      const typed = ["limit", "cursor", "sort", ...ds.columns.filter((c) => c.family !== "string").flatMap((c) => c.filters.map((op) => filterParam(c.name, op)))];
      const strings = ds.columns.filter((c) => c.family === "string").flatMap((c) => c.filters.map((op) => filterParam(c.name, op)));
      for (const payload of KEYWORDS) {
        for (const p of typed) {
          const { r, sql } = await sqlOf(`${ds.path}?${new URLSearchParams({ [p]: payload })}`);
          // `sort=tenant_id` is a valid sort: the one keyword payload that is also a column name.
          if (p === "sort" && payload === "tenant_id") continue;
          if (r.status !== 400 || sql.length > 0) failures.push(`${ds.id} ${p}=${JSON.stringify(payload)} -> ${r.status}, ${sql.length} queries`);
        }
        for (const p of strings) {
          const benign = await sqlOf(`${ds.path}?${new URLSearchParams({ [p]: "benign-value" })}`);
          const { r, sql } = await sqlOf(`${ds.path}?${new URLSearchParams({ [p]: payload })}`);
          if (r.status !== 200 || r.body.data.length !== 0) failures.push(`${ds.id} ${p}=${JSON.stringify(payload)} -> ${r.status} ${JSON.stringify(r.body).slice(0, 100)}`);
          if (JSON.stringify(sql) !== JSON.stringify(benign.sql)) failures.push(`${ds.id} ${p}=${JSON.stringify(payload)} changed the SQL text`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("refuses injection in parameter names", async () => {
    for (const name of ["tenant_id' OR '1'='1", "holder_name;--", "fields[]", "x", "grant_id.like", "shares_granted.gte'"]) {
      const r = await t.get(`/v1/core-business/equity_grants?${encodeURIComponent(name)}=1`, admin);
      expect([name, r.status]).toEqual([name, 400]);
    }
  });

  it("refuses a parameter given twice", async () => {
    const r = await t.get("/v1/core-business/equity_grants?grant_id=a&grant_id=b", admin);
    expect(r.status).toBe(400);
  });
});

describe("injection corpus in the GDPR and dashboard endpoints", () => {
  it("refuses corpus strings in the request body, path ids and dashboard names", async () => {
    const failures: string[] = [];
    for (const payload of CORPUS) {
      for (const body of [{ type: payload, subject_id: "user-01-001" }, { type: "access", subject_id: payload }]) {
        const r = await t.server.app.inject({ method: "POST", url: "/v1/gdpr/requests", headers: { authorization: `Bearer ${admin}` }, payload: body });
        // A subject id is any printable id a client system uses (O'Brien's e-mail has a quote): one the shared grammar
        // allows is accepted, hashed and bound, never SQL text (reachedSql below); anything else is refused.
        const want = body.subject_id === payload && GDPR_SUBJECT_ID.test(payload) ? 202 : 400;
        if (r.statusCode !== want) failures.push(`POST body ${JSON.stringify(body)} -> ${r.statusCode}, not ${want}`);
      }
      const id = await t.get(`/v1/gdpr/requests/${encodeURIComponent(payload)}`, admin);
      if (id.status !== 400 && id.status !== 404) failures.push(`GET request id -> ${id.status}`);
      const d = await t.server.app.inject({ method: "POST", url: `/v1/dashboards/${encodeURIComponent(payload)}/embed-token`, headers: { authorization: `Bearer ${admin}` } });
      if (d.statusCode !== 400 && d.statusCode !== 404) failures.push(`dashboard name -> ${d.statusCode}`);
    }
    expect(failures).toEqual([]);
    expect(reachedSql(CORPUS)).toEqual([]);
  });
});
