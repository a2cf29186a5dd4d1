import { executeStatement, StatementError } from "../../components/governance/statementClient";
import { sqlObjectProvider, statementsSha256, type SqlObjectInputs } from "../../components/governance/SqlObject";
import { stub } from "../helpers/stub-api";

const TOKEN = "dapi0123456789abcdef-not-a-real-token";

const opts = (host: string) => ({ host, token: TOKEN, warehouseId: "wh-1", pollIntervalMs: 5, timeoutMs: 2000 });

describe("executeStatement against a stub Statement Execution API", () => {
  it("posts the statement with bound parameters, then polls until it succeeds", async () => {
    const s = await stub((req, n) =>
      n === 0 ? { body: { statement_id: "st-1", status: { state: "PENDING" } } } : { body: { statement_id: "st-1", status: { state: n < 3 ? "RUNNING" : "SUCCEEDED" } } },
    );
    try {
      await expect(executeStatement(opts(s.host), "INSERT INTO t VALUES (:v)", [{ name: "v", value: "x", type: "STRING" }])).resolves.toBe("st-1");
      expect(s.seen.map((x) => `${x.method} ${x.url}`)).toEqual([
        "POST /api/2.0/sql/statements",
        "GET /api/2.0/sql/statements/st-1",
        "GET /api/2.0/sql/statements/st-1",
        "GET /api/2.0/sql/statements/st-1",
      ]);
      expect(s.seen[0].body).toEqual({
        statement: "INSERT INTO t VALUES (:v)",
        warehouse_id: "wh-1",
        wait_timeout: "30s",
        on_wait_timeout: "CONTINUE",
        parameters: [{ name: "v", value: "x", type: "STRING" }],
      });
      expect(s.seen.every((x) => x.auth === `Bearer ${TOKEN}`)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it("surfaces the statement's error text when it fails", async () => {
    const s = await stub(() => ({ body: { statement_id: "st-2", status: { state: "FAILED", error: { error_code: "BAD_REQUEST", message: "[TABLE_OR_VIEW_NOT_FOUND] t cannot be found" } } } }));
    try {
      await expect(executeStatement(opts(s.host), "SELECT * FROM t")).rejects.toThrow("statement st-2 FAILED: BAD_REQUEST: [TABLE_OR_VIEW_NOT_FOUND] t cannot be found");
    } finally {
      await s.close();
    }
  });

  it("cancels and fails a statement that outlives the timeout", async () => {
    const s = await stub(() => ({ body: { statement_id: "st-3", status: { state: "RUNNING" } } }));
    try {
      await expect(executeStatement({ ...opts(s.host), timeoutMs: 50 }, "SELECT 1")).rejects.toThrow("statement st-3 did not finish within 0 s and was cancelled");
      expect(s.seen[s.seen.length - 1]).toMatchObject({ method: "POST", url: "/api/2.0/sql/statements/st-3/cancel" });
    } finally {
      await s.close();
    }
  });

  it("reports an HTTP error with the API's message and never the token, even when the server echoes it", async () => {
    const s = await stub(() => ({ status: 403, body: { error_code: "PERMISSION_DENIED", message: `token ${TOKEN} may not use warehouse wh-1` } }));
    try {
      const err = await executeStatement(opts(s.host), "SELECT 1").catch((e) => e);
      expect(err).toBeInstanceOf(StatementError);
      expect(err.message).toBe("POST /api/2.0/sql/statements returned HTTP 403: PERMISSION_DENIED: token [redacted] may not use warehouse wh-1");
      expect(err.message).not.toContain(TOKEN);
    } finally {
      await s.close();
    }
  });

  it("reports an unreachable API without the token", async () => {
    const err = await executeStatement({ ...opts("http://127.0.0.1:1"), timeoutMs: 100 }, "SELECT 1").catch((e) => e);
    expect(err.message).toMatch(/^POST \/api\/2.0\/sql\/statements failed: /);
    expect(err.message).not.toContain(TOKEN);
  });
});

describe("the governance SQL dynamic provider", () => {
  const inputs = (host: string, over: Partial<SqlObjectInputs> = {}): SqlObjectInputs => {
    const create = [{ sql: "CREATE OR REPLACE FUNCTION c.g.f() RETURNS INT RETURN 1" }];
    return { objectName: "c.g.f", kind: "function", host, warehouseId: "wh-1", create, drop: [{ sql: "DROP FUNCTION IF EXISTS c.g.f" }], sha256: statementsSha256(create), ...over };
  };
  const ok = () => ({ body: { statement_id: "st", status: { state: "SUCCEEDED" } } });
  const env = { ...process.env };
  beforeEach(() => {
    process.env.DATABRICKS_TOKEN = TOKEN;
    process.env.LAKEMESH_SQL_POLL_MS = "5";
  });
  afterEach(() => {
    process.env = { ...env };
  });

  it("create runs the create statements and keeps the inputs as state", async () => {
    const s = await stub(ok);
    try {
      const r = await sqlObjectProvider.create!(inputs(s.host));
      expect(r.id).toBe("c.g.f");
      expect(s.seen.map((x) => x.body?.statement)).toEqual(["CREATE OR REPLACE FUNCTION c.g.f() RETURNS INT RETURN 1"]);
    } finally {
      await s.close();
    }
  });

  it("diff: a changed statement is an update, a renamed object a replacement, no change nothing", async () => {
    const old = inputs("http://h");
    const changed = inputs("http://h", { create: [{ sql: "CREATE OR REPLACE FUNCTION c.g.f() RETURNS INT RETURN 2" }], sha256: statementsSha256([{ sql: "CREATE OR REPLACE FUNCTION c.g.f() RETURNS INT RETURN 2" }]) });
    expect(await sqlObjectProvider.diff!("c.g.f", old, old)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await sqlObjectProvider.diff!("c.g.f", old, changed)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await sqlObjectProvider.diff!("c.g.f", old, inputs("http://h", { objectName: "c.g.f2" }))).toEqual({ changes: true, replaces: ["objectName"], deleteBeforeReplace: false });
  });

  it("update runs the new statements; delete runs the drops, and never drops a table", async () => {
    const s = await stub(ok);
    try {
      await sqlObjectProvider.update!("c.g.f", inputs(s.host), inputs(s.host, { create: [{ sql: "CREATE OR REPLACE FUNCTION c.g.f() RETURNS INT RETURN 2" }] }));
      await sqlObjectProvider.delete!("c.g.f", inputs(s.host));
      // Even given drops, a table or row set is left in place.
      await sqlObjectProvider.delete!("c.g.t", inputs(s.host, { objectName: "c.g.t", kind: "table", drop: [{ sql: "DROP TABLE c.g.t" }] }));
      await sqlObjectProvider.delete!("c.g.r#rows", inputs(s.host, { objectName: "c.g.r#rows", kind: "rows", drop: [{ sql: "DELETE FROM c.g.r" }] }));
      expect(s.seen.map((x) => x.body?.statement)).toEqual(["CREATE OR REPLACE FUNCTION c.g.f() RETURNS INT RETURN 2", "DROP FUNCTION IF EXISTS c.g.f"]);
    } finally {
      await s.close();
    }
  });

  it("fails clearly without a token in the environment", async () => {
    delete process.env.DATABRICKS_TOKEN;
    await expect(sqlObjectProvider.create!(inputs("http://127.0.0.1:1"))).rejects.toThrow("DATABRICKS_TOKEN is not set: the governance SQL provider reads its token from the environment");
  });
});
