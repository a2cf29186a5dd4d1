import { executeStatement, StatementError } from "../../components/governance/statementClient";
import { migrateTable, sqlObjectProvider, statementsSha256, type SqlObjectInputs } from "../../components/governance/SqlObject";
import type { TableMigrationSpec } from "../../lib/compile";
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

describe("governance table migrations", () => {
  const TABLE = "`c`.`g`.`audit_log`";
  const spec = (version: number, steps: { version: number; columns: { name: string; ddl: string }[] }[]): TableMigrationSpec => ({ table: TABLE as any, version, steps: steps as any });
  const v2 = { version: 2, columns: [{ name: "region", ddl: "`region` STRING COMMENT 'Region.'" }, { name: "source", ddl: "`source` STRING COMMENT 'Source.'" }] };
  const v3 = { version: 3, columns: [{ name: "retried", ddl: "`retried` BOOLEAN COMMENT 'Retried.'" }] };
  /** A stub warehouse holding one table: its properties and columns change as the statements run. */
  function warehouse(props: Record<string, string>, columns: string[]) {
    return stub((req) => {
      const sql: string = req.body?.statement ?? "";
      let rows: (string | null)[][] = [];
      if (sql.startsWith("SHOW TBLPROPERTIES")) rows = Object.entries(props);
      else if (sql.startsWith("DESCRIBE TABLE")) rows = [...columns.map((c) => [c, "string", null]), ["", "", ""], ["# Clustering Information", "", ""], ["event_time", "timestamp", null]];
      else if (sql.includes("ADD COLUMNS")) columns.push(...[...sql.matchAll(/`([a-z_]+)` [A-Z]+ COMMENT/g)].map((m) => m[1]));
      else if (sql.includes("SET TBLPROPERTIES")) props["lakemesh.schema_version"] = /= '([0-9]+)'/.exec(sql)![1];
      return { body: { statement_id: "st", status: { state: "SUCCEEDED" }, result: { data_array: rows } } };
    });
  }
  const env = { DATABRICKS_TOKEN: TOKEN, LAKEMESH_SQL_POLL_MS: "5" };

  it("brings a version 1 table (no version property) to version 3, step by step, in order", async () => {
    const columns = ["event_time", "request_id"];
    const props: Record<string, string> = { "delta.appendOnly": "true" };
    const s = await warehouse(props, columns);
    try {
      expect(await migrateTable({ host: s.host, warehouseId: "wh-1" }, spec(3, [v3, v2]), env)).toEqual([2, 3]);
      expect(s.seen.map((x) => x.body.statement)).toEqual([
        `SHOW TBLPROPERTIES ${TABLE}`,
        `DESCRIBE TABLE ${TABLE}`,
        `ALTER TABLE ${TABLE} ADD COLUMNS (\`region\` STRING COMMENT 'Region.', \`source\` STRING COMMENT 'Source.')`,
        `ALTER TABLE ${TABLE} SET TBLPROPERTIES ('lakemesh.schema_version' = '2')`,
        `DESCRIBE TABLE ${TABLE}`,
        `ALTER TABLE ${TABLE} ADD COLUMNS (\`retried\` BOOLEAN COMMENT 'Retried.')`,
        `ALTER TABLE ${TABLE} SET TBLPROPERTIES ('lakemesh.schema_version' = '3')`,
      ]);
      expect(columns).toEqual(["event_time", "request_id", "region", "source", "retried"]);
    } finally {
      await s.close();
    }
  });

  it("resumes a run that stopped after adding a column but before recording the version: adds only what is missing", async () => {
    const s = await warehouse({}, ["event_time", "region"]);
    try {
      expect(await migrateTable({ host: s.host, warehouseId: "wh-1" }, spec(2, [v2]), env)).toEqual([2]);
      expect(s.seen.map((x) => x.body.statement)).toContain(`ALTER TABLE ${TABLE} ADD COLUMNS (\`source\` STRING COMMENT 'Source.')`);
    } finally {
      await s.close();
    }
  });

  it("does nothing to a table already at the template's version, and is idempotent", async () => {
    const props: Record<string, string> = {};
    const columns = ["event_time"];
    const s = await warehouse(props, columns);
    try {
      await migrateTable({ host: s.host, warehouseId: "wh-1" }, spec(3, [v2, v3]), env);
      const after = s.seen.length;
      expect(await migrateTable({ host: s.host, warehouseId: "wh-1" }, spec(3, [v2, v3]), env)).toEqual([]);
      expect(s.seen.slice(after).map((x) => x.body.statement)).toEqual([`SHOW TBLPROPERTIES ${TABLE}`]);
    } finally {
      await s.close();
    }
  });

  it("refuses a table newer than the program, and a version that is not a number", async () => {
    const s = await warehouse({ "lakemesh.schema_version": "4" }, ["event_time"]);
    try {
      await expect(migrateTable({ host: s.host, warehouseId: "wh-1" }, spec(3, [v2, v3]), env)).rejects.toThrow(
        "`c`.`g`.`audit_log` is at schema version 4, newer than this program knows (3); deploy the lakemesh version that created it",
      );
    } finally {
      await s.close();
    }
    const t = await warehouse({ "lakemesh.schema_version": "two" }, ["event_time"]);
    try {
      await expect(migrateTable({ host: t.host, warehouseId: "wh-1" }, spec(3, [v2, v3]), env)).rejects.toThrow('has lakemesh.schema_version "two"; expected a version number');
    } finally {
      await t.close();
    }
  });

  it("the provider migrates a table after creating it, and a new migration changes the hash (so an update runs)", async () => {
    process.env.DATABRICKS_TOKEN = TOKEN;
    process.env.LAKEMESH_SQL_POLL_MS = "5";
    const s = await warehouse({}, ["event_time"]);
    try {
      const create = [{ sql: `CREATE TABLE IF NOT EXISTS ${TABLE} (event_time TIMESTAMP NOT NULL COMMENT 'When.')` }];
      const m = spec(2, [v2]);
      await sqlObjectProvider.create!({ objectName: "c.g.audit_log", kind: "table", host: s.host, warehouseId: "wh-1", create, drop: [], migration: m, sha256: statementsSha256(create, m) });
      expect(s.seen.map((x) => x.body.statement.split(" (")[0])).toEqual([
        `CREATE TABLE IF NOT EXISTS ${TABLE}`,
        `SHOW TBLPROPERTIES ${TABLE}`,
        `DESCRIBE TABLE ${TABLE}`,
        `ALTER TABLE ${TABLE} ADD COLUMNS`,
        `ALTER TABLE ${TABLE} SET TBLPROPERTIES`,
      ]);
      expect(statementsSha256(create, m)).not.toBe(statementsSha256(create, spec(3, [v2, v3])));
    } finally {
      await s.close();
      delete process.env.DATABRICKS_TOKEN;
    }
  });
});
