import fc from "fast-check";
import {
  buildPageQuery,
  compileServingCatalog,
  CursorCodec,
  CursorError,
  DATABRICKS_DIALECT,
  datasetsFor,
  duckdbDialect,
  parseQuery,
  QueryBuildError,
  RequestError,
  servedPersonas,
} from "../../lib/serving";
import { fixtureMesh, shippedMesh } from "../helpers/settings";

const catalog = compileServingCatalog("lakemesh_prod", shippedMesh());
const grants = catalog.datasets.find((d) => d.id === "core-business.equity_grants")!;

describe("the query catalog follows the manifests' access", () => {
  it("serves exactly the published datasets the API principal may read, per persona", () => {
    expect(catalog.datasets.map((d) => [d.id, d.personas.join("+"), d.key.join(",")])).toEqual([
      ["core-business.equity_exercises", "client_admin+end_user", "exercise_id"],
      ["core-business.equity_grants", "client_admin+end_user", "grant_id"],
      ["core-business.equity_plans", "client_admin", "plan_id"],
      ["core-business.plan_grant_summary", "client_admin", "tenant_id,plan_id,grant_type"],
      ["core-business.products", "client_admin", "product_id"],
      ["external-integrations.market_prices", "client_admin", "price_id"],
      ["external-integrations.valuations", "client_admin", "valuation_id"],
      ["operational-activities.invoices", "client_admin+end_user", "invoice_id"],
      ["users-identity.users", "client_admin+end_user", "user_id"],
    ]);
  });

  it.each([
    ["no api_service in access", { access: ["client_admin"], lifecycle: "active", subjectKey: "u" }, []],
    ["api_service and client_admin, no subject key", { access: ["api_service", "client_admin"], lifecycle: "active" }, ["client_admin"]],
    ["api_service with a subject key", { access: ["api_service"], lifecycle: "active", subjectKey: "u" }, ["end_user"]],
    ["a draft contract", { access: ["api_service", "client_admin"], lifecycle: "draft", subjectKey: "u" }, []],
    ["a retired contract", { access: ["api_service", "client_admin"], lifecycle: "retired" }, []],
    ["shared reference data", { access: ["api_service", "client_admin"], lifecycle: "active", tenantScoped: false }, ["client_admin"]],
  ])("%s", (_name, o, want) => {
    const ds = { name: "x", layer: "silver", columns: [], access: o.access, contract: { version: "1.0.0", lifecycle: o.lifecycle }, subjectKey: (o as { subjectKey?: string }).subjectKey, tenantScoped: (o as { tenantScoped?: boolean }).tenantScoped } as never;
    expect(servedPersonas(ds)).toEqual(want);
  });

  it("gives end users only tenant datasets with a subject key", () => {
    for (const ds of datasetsFor(catalog, "end_user")) expect([ds.id, !!ds.tenantKey, !!ds.subjectKey]).toEqual([ds.id, true, true]);
  });

  it("serves nothing of the fixture mesh, whose datasets do not grant api_service", () => {
    expect(compileServingCatalog("c", fixtureMesh()).datasets).toEqual([]);
  });
});

describe("page SQL", () => {
  const admin = { persona: "client_admin" as const, tenant: "tenant-01", subject: null };
  const user = { persona: "end_user" as const, tenant: "tenant-01", subject: "user-01-002" };

  it("binds tenant, subject and every filter value; names only catalog columns (Databricks)", () => {
    const q = parseQuery(grants, { "shares_granted.gte": "100", status: "granted", sort: "-grant_date", fields: "grant_id,shares_granted", limit: "10" });
    const b = buildPageQuery(grants, user, q, null, DATABRICKS_DIALECT);
    expect(b.sql).toBe(
      "SELECT `grant_id`, `shares_granted`, `grant_date`, `tenant_id`, `holder_user_id` FROM `lakemesh_prod`.`core_business`.`equity_grants` " +
        "WHERE `tenant_id` = :tenant AND `holder_user_id` = :subject AND `shares_granted` >= CAST(:p0 AS BIGINT) AND `status` = :p1 " +
        "ORDER BY `grant_date` DESC NULLS LAST, `grant_id` ASC NULLS FIRST LIMIT 11",
    );
    expect(b.params).toEqual({ tenant: "tenant-01", subject: "user-01-002", p0: "100", p1: "granted" });
  });

  it("continues after a cursor position with a null-safe keyset predicate (DuckDB)", () => {
    const q = parseQuery(grants, { sort: "-vesting_schedule,grant_date" });
    const b = buildPageQuery(grants, admin, q, [null, "2025-01-02", "grant-01-000007"], duckdbDialect((t) => `"served"."${t.split(".")[2]}"`));
    expect(b.sql).toBe(
      'SELECT "tenant_id", "grant_id", "plan_id", "holder_user_id", "holder_name", "holder_email", "grant_date", "grant_type", "shares_granted", "strike_price", "vesting_schedule", "vesting_start_date", "status", "updated_at" ' +
        'FROM "served"."equity_grants" WHERE "tenant_id" = $tenant AND ((FALSE) OR ("vesting_schedule" IS NULL AND "grant_date" > CAST($p0 AS DATE)) ' +
        'OR ("vesting_schedule" IS NULL AND "grant_date" = CAST($p1 AS DATE) AND "grant_id" > $p2)) ' +
        'ORDER BY "vesting_schedule" DESC NULLS LAST, "grant_date" ASC NULLS FIRST, "grant_id" ASC NULLS FIRST LIMIT 51',
    );
    expect(b.params).toEqual({ tenant: "tenant-01", p0: "2025-01-02", p1: "2025-01-02", p2: "grant-01-000007" });
  });

  it("refuses to build for a persona the dataset is not served to, or an end user without subject", () => {
    const plans = catalog.datasets.find((d) => d.id === "core-business.equity_plans")!;
    expect(() => buildPageQuery(plans, user, parseQuery(plans, {}), null, DATABRICKS_DIALECT)).toThrow(new QueryBuildError("core-business.equity_plans is not served to end_user"));
    expect(() => buildPageQuery(grants, { ...user, subject: null }, parseQuery(grants, {}), null, DATABRICKS_DIALECT)).toThrow(QueryBuildError);
  });

  it("never puts a value into SQL text, whatever the values (property)", () => {
    const filterable = grants.columns.filter((c) => c.family === "string").map((c) => c.name);
    fc.assert(
      fc.property(fc.constantFrom(...filterable), fc.stringMatching(/^[A-Za-z0-9 ._@+:,()=-]{6,40}$/), fc.stringMatching(/^[a-z0-9-]{6,20}$/), (col, value, tenant) => {
        fc.pre(!value.includes("--") && !/NULLS|FIRST|SELECT|FROM|WHERE|ORDER|LIMIT|CAST|AND|ASC|DESC|tenant|subject|served/i.test(value) && !grants.columns.some((c) => value.includes(c.name)));
        const b = buildPageQuery(grants, { ...admin, tenant }, parseQuery(grants, { [col]: value }), null, DATABRICKS_DIALECT);
        return !b.sql.includes(value) && !b.sql.includes(tenant) && Object.values(b.params).includes(value);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    [{ fields: "grant_id,no_such" }, "fields: 1 unknown column(s); columns of core-business.equity_grants: tenant_id, grant_id"],
    [{ sort: "grant_id,-grant_id" }, "sort: a column is listed twice"],
    [{ limit: "0" }, "limit: a whole number from 1 to 200"],
    [{ limit: "201" }, "limit: a whole number from 1 to 200"],
    [{ "grant_date.gte": "2025-02-30" }, "grant_date.gte: not a valid DATE value; a date YYYY-MM-DD"],
    [{ "updated_at.lt": "2025-01-01 00:00:00" }, "updated_at.lt: not a valid TIMESTAMP value; a UTC timestamp YYYY-MM-DDTHH:MM:SS[.ffffff]Z"],
    [{ "holder_name.gt": "A" }, "unknown query parameter; allowed: fields, sort, limit, cursor and the filters listed for /v1/core-business/equity_grants in the OpenAPI document"],
    [{ grant_id: ["a", "b"] }, "grant_id: give it once, as a single value"],
  ])("refuses %j", (query, message) => {
    expect(() => parseQuery(grants, query)).toThrow(RequestError);
    try {
      parseQuery(grants, query);
    } catch (e) {
      expect((e as Error).message.startsWith(message)).toBe(true);
    }
  });
});

describe("cursors", () => {
  const scope = { persona: "client_admin" as const, tenant: "tenant-01", subject: null };
  const q = parseQuery(grants, { sort: "-grant_date" });
  const bind = CursorCodec.binding("core-business.equity_grants", scope, q);

  it("round-trip their keys and are opaque", () => {
    const c = new CursorCodec("x".repeat(32));
    const cur = c.seal(bind, ["2025-01-01", "grant-01-000009"]);
    expect(cur).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(cur, "base64url").toString("latin1")).not.toContain("grant-01");
    expect(c.open(cur, bind, 2)).toEqual(["2025-01-01", "grant-01-000009"]);
  });

  it("are refused for another tenant, other filters, another key or after expiry", () => {
    let now = 1_000_000;
    const c = new CursorCodec("x".repeat(32), () => now);
    const cur = c.seal(bind, ["2025-01-01", "grant-01-000009"]);
    expect(() => c.open(cur, CursorCodec.binding("core-business.equity_grants", { ...scope, tenant: "tenant-02" }, q), 2)).toThrow(CursorError);
    expect(() => c.open(cur, CursorCodec.binding("core-business.equity_grants", scope, parseQuery(grants, { sort: "-grant_date", status: "x" })), 2)).toThrow(CursorError);
    expect(() => new CursorCodec("y".repeat(32)).open(cur, bind, 2)).toThrow(CursorError);
    expect(() => c.open(cur.slice(0, 40) + (cur[40] === "A" ? "B" : "A") + cur.slice(41), bind, 2)).toThrow(CursorError);
    now += 24 * 3600 + 1;
    expect(() => c.open(cur, bind, 2)).toThrow("the cursor has expired; start again from the first page");
  });

  it("need a secret of at least 32 bytes", () => {
    expect(() => new CursorCodec("short")).toThrow("the cursor secret must be at least 32 bytes");
  });
});


