import { main } from "../../cli/main";
import { compileIdentities } from "../../lib/access";
import { ROOT, shippedMesh, stackSettings } from "../helpers/settings";
import { stub, type Seen } from "../helpers/stub-api";

const TOKEN = "dapi-preflight-test-token-not-real";
const ME = "deployer@example.com";

async function cli(env: Record<string, string | undefined>, ...argv: string[]) {
  const saved = { host: process.env.DATABRICKS_HOST, token: process.env.DATABRICKS_TOKEN };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  let out = "";
  let err = "";
  try {
    const status = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd: ROOT });
    return { status, out, err };
  } finally {
    for (const [k, v] of [["DATABRICKS_HOST", saved.host], ["DATABRICKS_TOKEN", saved.token]] as const) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

/** A workspace where dev's account setup is done, as the REST APIs would answer; `broken` edits one answer. */
function workspace(broken: (url: string, body: any) => any = (_u, b) => b) {
  const s = stackSettings("dev");
  const values = new Map(compileIdentities(s, shippedMesh()).prerequisites.flatMap((p) => (p.fact.kind === "governed-tag" ? [[p.fact.tagKey, p.fact.values]] : [])));
  return (req: Seen) => {
    const u = decodeURIComponent(req.url);
    let body: any = {};
    let status = 200;
    if (u === "/api/2.0/preview/scim/v2/Me") body = { userName: ME, groups: [{ display: "deployers" }] };
    else if (u.startsWith("/api/2.0/preview/scim/v2/ServicePrincipals?filter=")) {
      const app = /"(.+)"/.exec(u)![1];
      body = { Resources: [{ id: `sp-${app}`, groups: [{ display: "lakemesh-dev-pipelines" }] }] };
    } else if (u.startsWith("/api/2.0/preview/scim/v2/Groups?filter=")) body = { Resources: [{ id: `g-${/"(.+)"/.exec(u)![1]}` }] };
    else if (u.startsWith("/api/2.0/preview/accounts/access-control/rule-sets?name=")) {
      const name = /name=([^&]+)/.exec(u)![1];
      const role = name.includes("/servicePrincipals/") ? "roles/servicePrincipal.user" : name.includes("/groups/") ? "roles/group.manager" : "roles/tagPolicy.assigner";
      body = { name, grant_rules: [{ role, principals: role === "roles/tagPolicy.assigner" ? ["groups/lakemesh-prod-pipelines", "groups/lakemesh-dev-pipelines"] : ["groups/deployers"] }] };
    } else if (u.startsWith("/api/2.1/tag-policies/")) {
      const key = u.split("/").pop()!;
      body = { id: `tp-${key}`, tag_key: key, values: (values.get(key) ?? []).map((name) => ({ name })) };
    } else if (u.startsWith("/api/2.0/secrets/acls/get?")) body = { principal: "lakemesh-dev-pipelines", permission: "READ" };
    else [status, body] = [404, { error_code: "NOT_FOUND" }];
    return { status, body: broken(u, body) };
  };
}

describe("lakemesh preflight against a stub workspace", () => {
  it("checks every prerequisite dev lists, with GET calls only, and exits 0 when all hold", async () => {
    const s = await stub(workspace());
    try {
      const r = await cli({ DATABRICKS_HOST: s.host, DATABRICKS_TOKEN: TOKEN }, "preflight", "--stack", "dev");
      const n = compileIdentities(stackSettings("dev"), shippedMesh()).prerequisites.length;
      expect([r.status, r.err]).toEqual([0, ""]);
      expect(r.out).toContain(`${n} of ${n} prerequisites of stack dev hold in ${s.host}`);
      expect(r.out).toContain("ok   servicePrincipal.user:0d3f5a7c-1b2e-4c6d-8e9f-a0b1c2d3e401: the deploying identity has the Service Principal User role");
      expect(new Set(s.seen.map((x) => x.method))).toEqual(new Set(["GET"]));
      expect(new Set(s.seen.map((x) => x.auth))).toEqual(new Set([`Bearer ${TOKEN}`]));
      expect(r.out).not.toContain(TOKEN);
    } finally {
      await s.close();
    }
  });

  it("fails, naming the prerequisite and what to do, when the deployer lacks the Service Principal User role on one principal", async () => {
    const s = await stub(workspace((u, b) => (u.includes("servicePrincipals/0d3f5a7c-1b2e-4c6d-8e9f-a0b1c2d3e403/") ? { ...b, grant_rules: [] } : b)));
    try {
      const r = await cli({ DATABRICKS_HOST: s.host, DATABRICKS_TOKEN: TOKEN }, "preflight", "--stack", "dev");
      expect(r.status).toBe(1);
      expect(r.err).toBe(
        "FAIL servicePrincipal.user:0d3f5a7c-1b2e-4c6d-8e9f-a0b1c2d3e403: the deploying identity has the Service Principal User role on 0d3f5a7c-1b2e-4c6d-8e9f-a0b1c2d3e403, to set it as run-as\n" +
          `     ${ME} does not hold roles/servicePrincipal.user in accounts/9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d/servicePrincipals/0d3f5a7c-1b2e-4c6d-8e9f-a0b1c2d3e403/ruleSets/default (account admins are not listed there: grant the role explicitly) (provided by account setup)\n`,
      );
    } finally {
      await s.close();
    }
  });

  it("fails when the owning environment's governed tag lacks a value this stack assigns, or when ASSIGN is not granted", async () => {
    const s = await stub(
      workspace((u, b) => (u === "/api/2.1/tag-policies/retention" ? { ...b, values: [{ name: "P1Y" }] } : u.includes("/tagPolicies/tp-pii/") ? { ...b, grant_rules: [] } : b)),
    );
    try {
      const r = await cli({ DATABRICKS_HOST: s.host, DATABRICKS_TOKEN: TOKEN }, "preflight", "--stack", "dev", "--format", "json");
      expect(r.status).toBe(1);
      const failed = (JSON.parse(r.out).results as { id: string; ok: boolean; detail: string }[]).filter((x) => !x.ok);
      expect(failed.map((x) => x.id)).toEqual(["governed-tag:retention", "tag-assign:lakemesh-dev-pipelines:pii"]);
      expect(failed[0].detail).toMatch(/^governed tag retention does not allow P10Y, /);
    } finally {
      await s.close();
    }
  });

  it("turns a refused call into a failed check, never repeating the token", async () => {
    const s = await stub(() => ({ status: 403, body: { message: `token ${TOKEN} may not` } }));
    try {
      const r = await cli({ DATABRICKS_HOST: s.host, DATABRICKS_TOKEN: TOKEN }, "preflight", "--stack", "prod");
      expect(r.status).toBe(1);
      expect(r.err).toContain("returned HTTP 403");
      expect(r.err + r.out).not.toContain(TOKEN);
    } finally {
      await s.close();
    }
  });

  it("needs a token", async () => {
    const r = await cli({ DATABRICKS_TOKEN: undefined }, "preflight", "--stack", "dev");
    expect([r.status, r.out]).toEqual([2, ""]);
    expect(r.err).toContain("needs DATABRICKS_TOKEN in the environment");
  });
});
