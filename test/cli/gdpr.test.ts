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
