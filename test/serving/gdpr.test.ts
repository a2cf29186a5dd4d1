import * as fs from "fs";
import * as path from "path";
import type { EmbeddedGdprJobs } from "../../serving/gdpr/local";
import { startTestServer, type TestServer } from "../helpers/serving";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
}, 120_000);
afterAll(async () => t?.close());

async function post(token: string, body: unknown) {
  const r = await t.server.app.inject({ method: "POST", url: "/v1/gdpr/requests", headers: { authorization: `Bearer ${token}` }, payload: body as object });
  return { status: r.statusCode, body: JSON.parse(r.body), headers: r.headers };
}
const settled = (id: string) => (t.server.launcher as EmbeddedGdprJobs).settled(id);

describe("GDPR intake", () => {
  it("files an access request, runs it, and lets the admin who filed it download the export", async () => {
    const admin = await t.token("tenant-02", "client_admin", "hr-admin-7");
    const r = await post(admin, { type: "access", subject_id: "user-02-004" });
    expect(r.status).toBe(202);
    expect(r.headers.location).toBe(`/v1/gdpr/requests/${r.body.request_id}`);
    expect(r.body.type).toBe("access");
    // The embedded job may already have started when the answer is sent.
    expect(["submitted", "running", "done"]).toContain(r.body.status);
    await settled(r.body.request_id);
    const status = await t.get(`/v1/gdpr/requests/${r.body.request_id}`, admin);
    expect(status.body).toMatchObject({ status: "done", export: `/v1/gdpr/requests/${r.body.request_id}/export` });
    const exp = await t.get(`/v1/gdpr/requests/${r.body.request_id}/export`, admin);
    expect(exp.status).toBe(200);
    expect(exp.headers["content-disposition"]).toBe(`attachment; filename="gdpr-export-${r.body.request_id}.json"`);
    const grants = exp.body.datasets["lakemesh_dev.core_business.equity_grants"];
    expect(grants.rows.length).toBeGreaterThan(0);
    expect(new Set(grants.rows.map((x: { tenant_id: string; holder_user_id: string }) => `${x.tenant_id}/${x.holder_user_id}`))).toEqual(new Set(["tenant-02/user-02-004"]));
    expect(exp.body.manifest.datasets["lakemesh_dev.core_business.equity_grants"]).toBe(grants.rows.length);
    expect(status.body.counts).toEqual(exp.body.manifest.datasets);
  });

  it("keeps the request and the export to its tenant and its requester", async () => {
    const admin = await t.token("tenant-01", "client_admin", "admin-a");
    const r = await post(admin, { type: "access", subject_id: "user-01-001" });
    await settled(r.body.request_id);
    const url = `/v1/gdpr/requests/${r.body.request_id}`;
    expect((await t.get(url, await t.token("tenant-02", "client_admin"))).status).toBe(404);
    expect((await t.get(`${url}/export`, await t.token("tenant-02", "client_admin"))).status).toBe(404);
    expect((await t.get(`${url}/export`, await t.token("tenant-01", "client_admin", "admin-b"))).status).toBe(404);
    expect((await t.get(url, await t.token("tenant-01", "end_user", "user-01-001"))).status).toBe(403);
    expect((await post(await t.token("tenant-01", "end_user", "user-01-001"), { type: "access", subject_id: "user-01-001" })).status).toBe(403);
    expect((await t.get(`${url}/export`, admin)).status).toBe(200);
  });

  it("erases a subject: their rows leave the served data, other subjects' stay", async () => {
    const admin = await t.token("tenant-03", "client_admin");
    const count = async (subject: string) => (await t.get(`/v1/core-business/equity_grants?holder_user_id=${subject}&limit=200`, admin)).body.data.length;
    const [gone, kept] = [await count("user-03-001"), await count("user-03-002")];
    expect(gone).toBeGreaterThan(0);
    const r = await post(admin, { type: "erasure", subject_id: "user-03-001" });
    await settled(r.body.request_id);
    const s = await t.get(`/v1/gdpr/requests/${r.body.request_id}`, admin);
    expect(s.body).toMatchObject({ status: "done", export: null });
    expect(s.body.counts["lakemesh_dev.core_business.equity_grants"]).toBe(gone);
    expect(await count("user-03-001")).toBe(0);
    expect(await count("user-03-002")).toBe(kept);
    expect((await t.get(`/v1/gdpr/requests/${r.body.request_id}/export`, admin)).status).toBe(404);
  });

  it("records hashes only: no raw subject id in the request store or the audit log", async () => {
    const file = fs.readFileSync(path.join(t.server.stateDir, "gdpr", "requests.json"), "utf8");
    expect(file).toContain("subjectHash");
    for (const raw of ["user-02-004", "user-01-001", "user-03-001", "hr-admin-7"]) expect(file).not.toContain(raw);
    expect(JSON.stringify(t.audit.records)).not.toMatch(/user-0\d-00\d/);
  });

  it("refuses an unknown type, a malformed subject and extra fields", async () => {
    const admin = await t.token("tenant-01", "client_admin");
    for (const body of [{ type: "rectification", subject_id: "u" }, { type: "access", subject_id: "a b" }, { type: "access", subject_id: "u", tenant: "tenant-02" }, { type: "access" }]) {
      const r = await post(admin, body);
      expect([JSON.stringify(body), r.status, r.body.type]).toEqual([JSON.stringify(body), 400, "https://lakemesh.dev/problems/invalid-request"]);
    }
  });
});
