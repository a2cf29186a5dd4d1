import * as fs from "fs";
import * as path from "path";
import { parseRequest } from "../../cli/commands/gdpr";
import { runJobByName, JobsApiError } from "../../cli/gdpr/jobs-api";
import { main } from "../../cli/main";
import { UsageError } from "../../cli/usage";
import { GDPR_SUBJECT_ID } from "../../lib/compile";
import { ROOT } from "../helpers/settings";
import { stub } from "../helpers/stub-api";

const TOKEN = "dapi-gdpr-test-token-not-real";

async function cli(...argv: string[]) {
  let out = "";
  let err = "";
  const status = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd: ROOT });
  return { status, out, err };
}

describe("lakemesh gdpr request refuses bad input before anything runs", () => {
  it.each([
    [["--type", "delete", "--tenant", "tenant-01", "--subject", "user-01-002"], '--type "delete" is not a request type; one of: access, erasure'],
    [["--type", "erasure", "--tenant", "tenant-01'; DROP TABLE x; --", "--subject", "user-01-002"], "is not a tenant id; letters, digits, - and _, at most 64 characters"],
    [["--type", "erasure", "--tenant", "tenant-01", "--subject", "x' OR '1'='1"], `--subject "x' OR '1'='1" is not a subject id; 1 to 256 visible ASCII characters (no spaces or control characters), without '{{' or '\${'`],
    [["--type", "toString", "--tenant", "tenant-01", "--subject", "user-01-002"], '--type "toString" is not a request type; one of: access, erasure'],
    [["--type", "__proto__", "--tenant", "tenant-01", "--subject", "user-01-002"], '--type "__proto__" is not a request type; one of: access, erasure'],
    [["--type", "erasure", "--tenant", "tenant-01", "--subject", "a\u001b[31m\u202e"], '--subject "a\\u001b[31m\\u202e" is not a subject id'],
    [["--type", "access", "--tenant", "tenant-01", "--subject", "user-01-002", "--request-id", "42"], '--request-id "42" is not a lower-case UUID'],
    // Erasure no longer VACUUMs (the nightly retention job does, past the threshold): the option is gone.
    [["--type", "erasure", "--tenant", "tenant-01", "--subject", "user-01-002", "--vacuum-retain-hours", "0"], "vacuum-retain-hours"],
    [["--type", "erasure", "--tenant", "tenant-01", "--subject", "user-01-002", "--target", "cloud"], '--target "cloud": local or databricks'],
  ])("%j", async (args, message) => {
    const r = await cli("gdpr", "request", ...args);
    expect([r.status, r.out]).toEqual([2, ""]);
    expect(r.err).toContain(message);
  });

  it("needs a token to start a job in Databricks", async () => {
    const saved = process.env.DATABRICKS_TOKEN;
    delete process.env.DATABRICKS_TOKEN;
    try {
      const r = await cli("gdpr", "request", "--type", "erasure", "--tenant", "tenant-01", "--subject", "user-01-002", "--target", "databricks");
      expect(r.status).toBe(2);
      expect(r.err).toContain("--target databricks needs DATABRICKS_TOKEN");
    } finally {
      if (saved !== undefined) process.env.DATABRICKS_TOKEN = saved;
    }
  });
});

describe("subject ids: the grammar shared with the Python jobs (test/fixtures/subject-ids.json)", () => {
  const corpus = JSON.parse(fs.readFileSync(path.join(ROOT, "test", "fixtures", "subject-ids.json"), "utf8")) as { valid: string[]; invalid: string[] };
  const request = (subject: string) => parseRequest({ type: "erasure", tenant: "tenant-01", subject, "request-id": "0b7f5a6e-1d2c-4e3f-8a9b-0c1d2e3f4a5b" });

  it.each(corpus.valid)("serves %j", (subject) => {
    expect(GDPR_SUBJECT_ID.test(subject)).toBe(true);
    expect(request(subject).subject).toBe(subject);
  });

  it.each(corpus.invalid)("refuses %j", (subject) => {
    expect(GDPR_SUBJECT_ID.test(subject)).toBe(false);
    expect(() => request(subject)).toThrow(UsageError);
  });
});

describe("runJobByName against a stub Jobs API", () => {
  it("finds the job by name and starts it with the request's parameters", async () => {
    const s = await stub((req) => (req.method === "GET" ? { body: { jobs: [{ job_id: 17, settings: { name: "lakemesh-dev-gdpr-erasure" } }] } } : { body: { run_id: 99 } }));
    try {
      const params = { tenant_id: "tenant-01", subject_id: "user-01-002", request_id: "0b7f5a6e-1d2c-4e3f-8a9b-0c1d2e3f4a5b" };
      expect(await runJobByName({ host: s.host, token: TOKEN }, "lakemesh-dev-gdpr-erasure", params)).toEqual({ jobId: 17, runId: 99 });
      expect(s.seen.map((x) => [x.method, x.url, x.auth])).toEqual([
        ["GET", "/api/2.2/jobs/list?name=lakemesh-dev-gdpr-erasure", `Bearer ${TOKEN}`],
        ["POST", "/api/2.2/jobs/run-now", `Bearer ${TOKEN}`],
      ]);
      expect(s.seen[1].body).toEqual({ job_id: 17, job_parameters: params });
    } finally {
      await s.close();
    }
  });

  it("says when the job is not deployed, and never repeats the token", async () => {
    const s = await stub(() => ({ body: {} }));
    try {
      await expect(runJobByName({ host: s.host, token: TOKEN }, "lakemesh-dev-gdpr-erasure", {})).rejects.toThrow(`no job named lakemesh-dev-gdpr-erasure in ${s.host}; deploy the platform stack first`);
    } finally {
      await s.close();
    }
    const e = await stub(() => ({ status: 403, body: { message: `token ${TOKEN} is not allowed` } }));
    try {
      const err = await runJobByName({ host: e.host, token: TOKEN }, "x", {}).catch((x) => x);
      expect(err).toBeInstanceOf(JobsApiError);
      expect(err.message).toContain("returned HTTP 403");
      expect(err.message).not.toContain(TOKEN);
    } finally {
      await e.close();
    }
  });
});

describe("lakemesh gdpr request --target databricks against stub APIs", () => {
  const SUBJECT = "o'brien@example.com";
  /** The dev stack's workspace (an https URL, as the settings require), sent to the stub instead. */
  const realFetch = globalThis.fetch;
  function project(host: string): string {
    globalThis.fetch = ((input: string | URL, init?: RequestInit) => realFetch(String(input).replace("https://dbc-lakemesh-dev.cloud.databricks.com", host), init)) as typeof fetch;
    return ROOT;
  }
  afterEach(() => {
    globalThis.fetch = realFetch;
  });
  async function request(cwd: string, ...extra: string[]) {
    let out = "";
    let err = "";
    const status = await main(["gdpr", "request", "--type", "erasure", "--tenant", "tenant-01", "--subject", SUBJECT, "--target", "databricks", "--request-id", "0b7f5a6e-1d2c-4e3f-8a9b-0c1d2e3f4a5b", ...extra], { out: (t) => (out += t), err: (t) => (err += t), cwd });
    return { status, out, err };
  }

  it("records the request with the subject bound (never in the statement text), then runs the job with the request id only", async () => {
    const s = await stub((req) =>
      req.url.startsWith("/api/2.0/sql/statements") ? { body: { statement_id: "st-1", status: { state: "SUCCEEDED" } } } : req.method === "GET" ? { body: { jobs: [{ job_id: 17, settings: { name: "lakemesh-dev-gdpr-erasure" } }] } } : { body: { run_id: 99 } },
    );
    const saved = process.env.DATABRICKS_TOKEN;
    process.env.DATABRICKS_TOKEN = TOKEN;
    try {
      const r = await request(project(s.host), "--warehouse-id", "wh-1");
      expect(r.err).toBe("");
      expect(r.status).toBe(0);
      expect(s.seen.map((x) => [x.method, x.url])).toEqual([
        ["POST", "/api/2.0/sql/statements"],
        ["GET", "/api/2.2/jobs/list?name=lakemesh-dev-gdpr-erasure"],
        ["POST", "/api/2.2/jobs/run-now"],
      ]);
      const insert = s.seen[0].body;
      expect(insert.warehouse_id).toBe("wh-1");
      expect(insert.statement).toBe(
        "INSERT INTO `lakemesh_dev`.`governance`.`gdpr_request_inbox` (request_id, request_type, tenant_id, subject_id, requested_by, requested_at) VALUES (:request_id, :request_type, :tenant_id, :subject_id, current_user(), current_timestamp())",
      );
      expect(insert.parameters).toEqual([
        { name: "request_id", value: "0b7f5a6e-1d2c-4e3f-8a9b-0c1d2e3f4a5b", type: "STRING" },
        { name: "request_type", value: "erasure", type: "STRING" },
        { name: "tenant_id", value: "tenant-01", type: "STRING" },
        { name: "subject_id", value: SUBJECT, type: "STRING" },
      ]);
      // run-now: the request id and nothing else (run history keeps parameters for 60 days).
      expect(s.seen[2].body).toEqual({ job_id: 17, job_parameters: { request_id: "0b7f5a6e-1d2c-4e3f-8a9b-0c1d2e3f4a5b" } });
      expect(JSON.stringify(s.seen.slice(1))).not.toContain("brien");
      expect(JSON.parse(r.out)).toMatchObject({ request_id: "0b7f5a6e-1d2c-4e3f-8a9b-0c1d2e3f4a5b", job_id: 17, run_id: 99 });
    } finally {
      if (saved === undefined) delete process.env.DATABRICKS_TOKEN;
      else process.env.DATABRICKS_TOKEN = saved;
      await s.close();
    }
  });

  it("starts no job when the request could not be recorded, and needs a warehouse id", async () => {
    const s = await stub(() => ({ status: 403, body: { error_code: "PERMISSION_DENIED", message: "no MODIFY on gdpr_request_inbox" } }));
    const saved = process.env.DATABRICKS_TOKEN;
    const savedWh = process.env.DATABRICKS_WAREHOUSE_ID;
    process.env.DATABRICKS_TOKEN = TOKEN;
    delete process.env.DATABRICKS_WAREHOUSE_ID;
    try {
      const dir = project(s.host);
      const none = await request(dir);
      expect(none.status).not.toBe(0);
      expect(none.err).toContain("pass --warehouse-id or set DATABRICKS_WAREHOUSE_ID");
      expect(s.seen).toEqual([]);
      const denied = await request(dir, "--warehouse-id", "wh-1").catch((e: Error) => ({ status: 1, out: "", err: e.message }));
      expect(denied.status).not.toBe(0);
      expect(s.seen.map((x) => x.url)).toEqual(["/api/2.0/sql/statements"]);
    } finally {
      if (saved === undefined) delete process.env.DATABRICKS_TOKEN;
      else process.env.DATABRICKS_TOKEN = saved;
      if (savedWh !== undefined) process.env.DATABRICKS_WAREHOUSE_ID = savedWh;
      await s.close();
    }
  });
});
