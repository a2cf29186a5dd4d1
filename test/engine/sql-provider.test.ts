// The governance SQL dynamic provider (components/governance/SqlObject.ts) for real: the engine serializes it into the
// state, runs it in its own provider process, and calls create, diff, update and delete against a local stand-in of
// the Databricks SQL Statement Execution API (a server on 127.0.0.1 that records every statement). Then the state
// file is read to see what it holds.
import * as fs from "fs";
import * as path from "path";
import { prepareStack, runPulumi, stateFile, type RunResult, type Workspace } from "../../cli/engine/workspace";
import { readStackConfig } from "../../cli/plan/stack-config";
import { compileGovernanceObjects, maskSpecs, type GovernanceObjectSpec } from "../../lib/compile";
import { ROOT, shippedMesh } from "../helpers/settings";
import { stub, type Seen } from "../helpers/stub-api";
import { keepDiagnostics, testWorkspace, upChanges, upEvents } from "./helpers";

const STACK = "sql-provider";
const TOKEN = "dapi0123456789abcdef0123456789abcdef";
const PROBE = "probe-secret-value-1f2e3d";

let ws: Workspace;
let api: Awaited<ReturnType<typeof stub>>;
let file: string;
const statements = () => api.seen.filter((s) => s.method === "POST" && s.url === "/api/2.0/sql/statements");
// As the fixture compiles them: the shipped mesh's masks included.
const governance = (): GovernanceObjectSpec[] => compileGovernanceObjects(readStackConfig(ROOT, "dev").settings, maskSpecs(shippedMesh()));
const bySuffix = (suffix: string) => governance().find((o) => o.name.endsWith(suffix))!;

async function up(variant: string, expectFailure = false): Promise<{ r: RunResult; sent: Seen[] }> {
  const before = statements().length;
  const set = await runPulumi(ws, ["config", "set", "--stack", STACK, "--config-file", file, "lakemesh-sql:variant", variant], { cwd: path.dirname(file) });
  if (set.code !== 0) throw new Error(set.stderr);
  // The provider reads its token from the environment at call time; it is never an input.
  const r = await runPulumi(ws, ["up", "--yes", "--json", "--non-interactive", "--stack", STACK, "--config-file", file], { env: { DATABRICKS_TOKEN: TOKEN, LAKEMESH_REPO: ROOT, LAKEMESH_SQL_POLL_MS: "50" } });
  keepDiagnostics("sql-provider", `up ${variant}`, r.stdout, r.stderr);
  if ((r.code !== 0) !== expectFailure) throw new Error(`pulumi up (${variant}) exited ${r.code}: ${r.stderr}\n${r.stdout.slice(-3000)}`);
  return { r, sent: statements().slice(before) };
}
const changes = (r: RunResult) => upChanges(r.stdout);

beforeAll(async () => {
  // Succeeds every statement but those of the fixture's variant v4, which fail as Databricks reports a SQL error.
  api = await stub((req, n) =>
    String(req.body?.statement).includes("-- template v4")
      ? { body: { statement_id: `stmt-${n}`, status: { state: "FAILED", error: { error_code: "PARSE_SYNTAX_ERROR", message: "[PARSE_SYNTAX_ERROR] Syntax error at or near 'v4'" } } } }
      : { body: { statement_id: `stmt-${n}`, status: { state: "SUCCEEDED" } } },
  );
  const project = path.join(ROOT, ".local", "pulumi-tests", "sql", "project");
  fs.rmSync(project, { recursive: true, force: true });
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: lakemesh-sql-fixture\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n");
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "lakemesh-sql-fixture", private: true, main: "index.js" }));
  fs.copyFileSync(path.join(__dirname, "sql-fixture", "index.js"), path.join(project, "index.js"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"));
  ws = testWorkspace("sql", project, "lakemesh-sql-fixture");
  file = await prepareStack(ws, STACK, { plain: { "lakemesh-sql:host": api.host, "lakemesh-sql:warehouseId": "stand-in-warehouse" }, secrets: { "lakemesh-sql:probeSecret": PROBE } }, { fresh: true });
}, 600_000);

afterAll(async () => {
  await api?.close();
});

describe("the SqlObject dynamic provider under the real engine", () => {
  let first: { r: RunResult; sent: Seen[] };
  beforeAll(async () => {
    first = await up("v1");
  }, 600_000);

  it("creates every object by running its create statements, in order, with the token from the environment", () => {
    const objects = governance();
    expect(changes(first.r).create).toBe(1 + objects.length + 1); // the stack, the objects, the registry rows
    const sql = first.sent.map((s) => s.body.statement);
    for (const o of objects) {
      const at = o.create.map((s) => sql.indexOf(s.sql));
      expect([o.name, at.every((i) => i >= 0), at]).toEqual([o.name, true, [...at].sort((a, b) => a - b)]);
    }
    expect(first.sent.every((s) => s.auth === `Bearer ${TOKEN}` && s.body.warehouse_id === "stand-in-warehouse")).toBe(true);
  });

  it("binds every row it writes (the registry's, the GDPR control table's) as parameters, never in the SQL text", () => {
    const bound = first.sent.filter((s) => Array.isArray(s.body.parameters) && s.body.parameters.length > 0);
    expect(bound.map((s) => (/(?:INTO|OVERWRITE) `[a-z_]+`\.`governance`\.`([a-z_]+)`/.exec(s.body.statement) ?? [])[1]).sort()).toEqual(["gdpr_control", "gdpr_registry"]);
    const registry = bound.find((s) => s.body.statement.includes("gdpr_registry"))!;
    expect(registry.body.parameters.length).toBeGreaterThan(10);
    for (const rows of bound) {
      for (const p of rows.body.parameters as { name: string; value: string | null }[]) {
        if (p.value && p.value.length > 8) expect(rows.body.statement).not.toContain(p.value);
      }
    }
  });

  it("runs nothing when nothing changed", async () => {
    const again = await up("v1");
    expect(again.sent).toEqual([]);
    expect(Object.keys(changes(again.r)).filter((op) => op !== "same")).toEqual([]);
  });

  it("runs a changed object's create statements again, and only those (update, not replace)", async () => {
    const v2 = await up("v2");
    expect(changes(v2.r)).toMatchObject({ update: 1 });
    expect(v2.sent.map((s) => s.body.statement)).toEqual(bySuffix(".mask_email").create.map((s) => `${s.sql}\n-- template v2`));
  });

  it("drops a removed function and leaves a removed table's data alone", async () => {
    const v3 = await up("v3");
    expect(changes(v3.r)).toMatchObject({ delete: 2 });
    expect(v3.sent.map((s) => s.body.statement)).toEqual(bySuffix(".mask_phone").drop.map((s) => s.sql));
    expect(bySuffix(".audit_log").kind).toBe("table");
  });

  it("fails the update with the statement's own error when the API refuses a statement, and keeps the object as it was", async () => {
    const v4 = await up("v4", true);
    expect(v4.sent.map((s) => s.body.statement)).toEqual([bySuffix(".mask_email").create[0].sql + "\n-- template v4"]);
    const errors = upEvents(v4.r.stdout).diagnostics.filter((d) => d.severity === "error").map((d) => d.message).join("\n");
    expect(errors).toContain("PARSE_SYNTAX_ERROR: [PARSE_SYNTAX_ERROR] Syntax error at or near 'v4'");
    expect(errors).not.toContain(TOKEN);
    // The state still holds the v2 statements: the next up tries v4 again instead of believing it applied.
    const state = JSON.parse(fs.readFileSync(stateFile(ws, STACK), "utf8")) as { checkpoint: { latest: { resources: { urn: string; outputs?: { create?: { sql: string }[] } }[] } } };
    const email = state.checkpoint.latest.resources.find((r) => r.urn.endsWith("::governance-mask_email"))!;
    expect(email.outputs!.create!.map((s) => s.sql)).toEqual(bySuffix(".mask_email").create.map((s) => `${s.sql}\n-- template v2`));
  });

  it("keeps no secret in clear text in the state: not the token, not the stack's secret", () => {
    const text = fs.readFileSync(stateFile(ws, STACK), "utf8");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(PROBE);
    const state = JSON.parse(text) as { checkpoint: { latest: { resources: { type: string; outputs?: Record<string, any>; inputs?: Record<string, any> }[] } } };
    const resources = state.checkpoint.latest.resources;
    // The stack's secret output is ciphertext (the passphrase provider), and the serialized provider captured no token.
    const root = resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
    expect(Object.keys(root.outputs!.probe).sort()).toEqual(["4dabf18193072939515e22adb298388d", "ciphertext"]);
    const sql = resources.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource");
    expect(sql.length).toBe(governance().length - 2 + 1);
    for (const r of sql) {
      expect(typeof r.outputs!.__provider).toBe("string");
      expect(r.outputs!.__provider).not.toMatch(/dapi[0-9a-f]{32}/);
    }
  });
});
