import fc from "fast-check";
import { datasetsFor, filterParam, jsonValue, type JsonValue, type ServedColumn, type ServedDataset, type ServedPersona } from "../../lib/serving";
import { quotedTable, servedRelation } from "../../serving/local/duckdb";
import { startTestServer, type TestServer } from "../helpers/serving";

// Tenant isolation, end to end through the API on the embedded backend: for any persona, tenant, dataset, filters
// (values drawn from every tenant's data), sort, page size and cursor chain, the pages are exactly the rows of the
// token's tenant (and, for end users, of the token's subject) that match, in order, and nothing else. The expected
// rows come from a model computed in JavaScript over the raw tables, independent of the SQL builder.

let t: TestServer;
let tenants: readonly string[];
const raw = new Map<string, Record<string, JsonValue>[]>();

beforeAll(async () => {
  t = await startTestServer();
  tenants = t.server.seeded.tenants;
  for (const ds of t.server.catalog.datasets) {
    const cols = new Map(ds.columns.map((c) => [c.name, c]));
    const rows = await t.server.seeded.backend.exec(`SELECT * FROM ${quotedTable(ds.table)}`);
    raw.set(ds.id, rows.map((r) => Object.fromEntries([...cols.values()].map((c) => [c.name, jsonValue(c, r[c.name])]))));
  }
}, 120_000);
afterAll(async () => t?.close());

function compare(c: ServedColumn, a: JsonValue, b: JsonValue): number {
  switch (c.family) {
    case "integer":
    case "number":
      return Number(a) - Number(b);
    case "timestamp":
      return Date.parse(String(a)) - Date.parse(String(b));
    case "boolean":
      return Number(a) - Number(b);
    default:
      return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  }
}

function parseFilterValue(c: ServedColumn, v: string): JsonValue {
  return c.family === "boolean" ? v === "true" : v;
}

function matches(c: ServedColumn, op: string, actual: JsonValue, given: string): boolean {
  if (actual === null) return false;
  const d = compare(c, actual, parseFilterValue(c, given));
  return op === "eq" ? d === 0 : op === "gt" ? d > 0 : op === "gte" ? d >= 0 : op === "lt" ? d < 0 : d <= 0;
}

/** The model: what a page chain must return. */
function expected(ds: ServedDataset, tenant: string, subject: string | null, filters: [string, string, string][], sort: [string, boolean][]): Record<string, JsonValue>[] {
  const cols = new Map(ds.columns.map((c) => [c.name, c]));
  const order = [...sort];
  for (const k of ds.key) if (!order.some(([c]) => c === k)) order.push([k, false]);
  return raw
    .get(ds.id)!
    .filter((r) => (ds.tenantKey ? r[ds.tenantKey] === tenant : true) && (subject === null || r[ds.subjectKey!] === subject))
    .filter((r) => filters.every(([col, op, v]) => matches(cols.get(col)!, op, r[col], v)))
    .sort((a, b) => {
      for (const [col, desc] of order) {
        const [x, y] = [a[col], b[col]];
        if (x === null && y === null) continue;
        if (x === null) return desc ? 1 : -1;
        if (y === null) return desc ? -1 : 1;
        const d = compare(cols.get(col)!, x, y);
        if (d !== 0) return desc ? -d : d;
      }
      return 0;
    });
}

/** A filter value: mostly one that occurs in the data (of any tenant), sometimes one that does not. */
const filterValue = (ds: ServedDataset, c: ServedColumn) => {
  const seen = [...new Set(raw.get(ds.id)!.map((r) => r[c.name]).filter((v) => v !== null).map((v) => String(v)))];
  const other = c.family === "boolean" ? ["true", "false"] : c.family === "date" ? ["2026-01-01"] : c.family === "timestamp" ? ["2026-01-01T00:00:00Z"] : c.family === "string" ? ["no-such-value"] : ["0", "500"];
  return seen.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...seen) }, { weight: 1, arbitrary: fc.constantFrom(...other) }) : fc.constantFrom(...other);
};

const scenario = (persona: ServedPersona) =>
  fc
    .record({ ds: fc.constantFrom(...datasetsFor(t.server.catalog, persona)), tenant: fc.constantFrom(...tenants), subjectTenant: fc.constantFrom(...tenants), k: fc.integer({ min: 1, max: 6 }) })
    .chain(({ ds, tenant, subjectTenant, k }) => {
      const filterable = ds.columns.flatMap((c) => c.filters.map((op) => [c, op] as const));
      const sortable = ds.columns.filter((c) => c.sortable).map((c) => c.name);
      return fc.record({
        ds: fc.constant(ds),
        tenant: fc.constant(tenant),
        // End users' subject ids, sometimes of another tenant's numbering (they must find nothing there).
        subject: fc.constant(persona === "end_user" ? `user-${subjectTenant.replace("tenant-", "")}-00${k}` : null),
        filters: fc.uniqueArray(fc.constantFrom(...filterable), { maxLength: 2, selector: ([c, op]) => filterParam(c.name, op) }).chain((fs) => fc.tuple(...fs.map(([c, op]) => filterValue(ds, c).map((v) => [c.name, op, v] as [string, string, string])))),
        sort: fc.uniqueArray(fc.tuple(fc.constantFrom(...sortable), fc.boolean()), { maxLength: 2, selector: ([c]) => c }),
        fields: fc.shuffledSubarray(ds.columns.map((c) => c.name), { minLength: 1 }),
        limit: fc.integer({ min: 1, max: 25 }),
      });
    });

async function chain(persona: ServedPersona, s: { ds: ServedDataset; tenant: string; subject: string | null; filters: [string, string, string][]; sort: [string, boolean][]; fields: string[]; limit: number }) {
  const token = await t.token(s.tenant, persona, s.subject ?? undefined);
  const params = new URLSearchParams();
  for (const [c, op, v] of s.filters) params.set(op === "eq" ? c : `${c}.${op}`, v);
  if (s.sort.length > 0) params.set("sort", s.sort.map(([c, d]) => (d ? "-" : "") + c).join(","));
  params.set("fields", s.fields.join(","));
  params.set("limit", String(s.limit));
  const want = expected(s.ds, s.tenant, s.subject, s.filters, s.sort).map((r) => Object.fromEntries(s.fields.map((f) => [f, r[f]])));
  const got: Record<string, JsonValue>[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const p = new URLSearchParams(params);
    if (cursor) p.set("cursor", cursor);
    const r = await t.get(`${s.ds.path}?${p}`, token);
    expect(r.status).toBe(200);
    got.push(...r.body.data);
    cursor = r.body.next_cursor;
    pages++;
  } while (cursor && pages < 8);
  expect(got).toEqual(want.slice(0, got.length));
  if (!cursor) expect(got.length).toBe(want.length);
  return got.length;
}

describe("tenant isolation (property, through the API on the embedded backend)", () => {
  it("client admins get exactly their tenant's matching rows, in order, across pages", async () => {
    let rows = 0;
    await fc.assert(
      fc.asyncProperty(scenario("client_admin"), async (s) => {
        rows += await chain("client_admin", s);
      }),
      { numRuns: 150 },
    );
    expect(rows).toBeGreaterThan(500); // the property saw data, not only empty pages
  });

  it("end users get exactly their own subject's matching rows of their tenant", async () => {
    let rows = 0;
    await fc.assert(
      fc.asyncProperty(scenario("end_user"), async (s) => {
        rows += await chain("end_user", s);
      }),
      { numRuns: 150 },
    );
    expect(rows).toBeGreaterThan(50);
  });

  it("refuses a cursor of another tenant, another subject, other filters or another dataset", async () => {
    const [a, b] = tenants;
    const ds = datasetsFor(t.server.catalog, "end_user").find((d) => d.id === "core-business.equity_grants")!;
    const first = await t.get(`${ds.path}?limit=1`, await t.token(a, "client_admin"));
    const cursor = first.body.next_cursor as string;
    expect(typeof cursor).toBe("string");
    const refused = [
      await t.get(`${ds.path}?limit=1&cursor=${cursor}`, await t.token(b, "client_admin")),
      await t.get(`${ds.path}?limit=1&cursor=${cursor}`, await t.token(a, "end_user", "user-01-001")),
      await t.get(`${ds.path}?limit=1&status=granted&cursor=${cursor}`, await t.token(a, "client_admin")),
      await t.get(`/v1/core-business/equity_plans?limit=1&cursor=${cursor}`, await t.token(a, "client_admin")),
      await t.get(`${ds.path}?limit=1&cursor=${cursor.slice(0, -2)}AA`, await t.token(a, "client_admin")),
    ];
    expect(refused.map((r) => [r.status, r.body.type])).toEqual(Array(5).fill([400, "https://lakemesh.dev/problems/invalid-cursor"]));
    // The same cursor is fine for the caller it was issued to.
    expect((await t.get(`${ds.path}?limit=1&cursor=${cursor}`, await t.token(a, "client_admin"))).status).toBe(200);
  });
});

describe("the tenant boundary holds below the API (secured views in the tenant's session)", () => {
  it("a query that forgot its tenant predicate still sees only the session's tenant", async () => {
    for (const ds of t.server.catalog.datasets.filter((d) => d.tenantKey)) {
      for (const tenant of tenants) {
        const rows = await t.server.seeded.backend.query(tenant, `SELECT "${ds.tenantKey}" AS t, count(*) AS n FROM ${servedRelation(ds.table)} GROUP BY 1`, {});
        const own = raw.get(ds.id)!.filter((r) => r[ds.tenantKey!] === tenant).length;
        expect(rows.map((r) => [r.t, Number(r.n)])).toEqual(own > 0 ? [[tenant, own]] : []);
      }
    }
  });

  it("a session for a tenant without data sees nothing", async () => {
    const ds = t.server.catalog.datasets.find((d) => d.tenantKey)!;
    expect(await t.server.seeded.backend.query("tenant-99", `SELECT * FROM ${servedRelation(ds.table)}`, {})).toEqual([]);
  });
});
