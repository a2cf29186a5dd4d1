import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readTree } from "../helpers/files";
import { ROOT } from "../helpers/settings";

// The plan command as users run it: the built bin, in its own process (the Pulumi SDK is process-global).
const bin = path.join(ROOT, "bin", "lakemesh.js");

function plan(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [bin, "plan", ...args], { cwd, encoding: "utf8", timeout: 120_000 });
}

/** A copy of the project's inputs (stack files, manifests, pipeline code) to break on purpose. */
function projectCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-plan-"));
  for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"]) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  fs.cpSync(path.join(ROOT, "domains"), path.join(dir, "domains"), { recursive: true });
  fs.cpSync(path.join(ROOT, "notebooks"), path.join(dir, "notebooks"), { recursive: true });
  return dir;
}

describe("lakemesh plan", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-out-"));

  it("writes byte-identical plans on two runs", () => {
    const a = plan(ROOT, "--stack", "prod", "--quiet", "--out", path.join(out, "a"));
    const b = plan(ROOT, "--stack", "prod", "--quiet", "--out", path.join(out, "b"));
    expect([a.status, b.status]).toEqual([0, 0]);
    expect(a.stdout).toMatch(/^planned \d+ resources for stack prod; 0 mandatory and 0 advisory policy violations; wrote \d+ files to /m);
    const ta = readTree(path.join(out, "a", "prod"));
    const tb = readTree(path.join(out, "b", "prod"));
    expect(Object.keys(ta).length).toBeGreaterThan(20);
    expect(tb).toEqual(ta);
    expect(Object.keys(ta)).toEqual(expect.arrayContaining(["plan.json", "plan.md", "workspace/lakemesh/prod/domains/core-business/contract.json", "workspace/lakemesh/prod/domains/core-business/governance.sql"]));
    // Review sees every column declared not personal, with its reason.
    expect(ta["plan.md"]).toContain(
      "## Columns declared not personal data\n\n| Column | Type | Reason |\n|---|---|---|\n| users-identity.sessions.country_code | STRING | ISO 3166 country only: shared by millions of people, it identifies no one; the IP address it comes from is ip_address. |",
    );
  });

  it("writes both access tables to plan.md, with no missing privilege, for dev and prod", () => {
    // prod was planned by the first test; dev by the next one.
    for (const stack of ["prod", "dev"]) {
      if (stack === "dev") expect(plan(ROOT, "--stack", "dev", "--quiet", "--out", path.join(out, "a")).status).toBe(0);
      const md = fs.readFileSync(path.join(out, "a", stack, "plan.md"), "utf8");
      expect(md).toMatch(/^\d+ workload actions, 0 with a missing privilege; \d+ persona x dataset pairs, \d+ readable; \d+ prerequisites \(`lakemesh preflight --stack (dev|prod)` checks them\)\.$/m);
      expect(md).toContain("| Workload | Principal | Action | Needs | Holds | How |");
      expect(md).toContain("| Persona | Dataset | Rows | Personal columns | Writes | How |");
      expect(md).not.toContain("**missing**");
    }
  });

  it("prints the resource tree", () => {
    const r = plan(ROOT, "--stack", "dev", "--out", path.join(out, "tree"));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      "pulumi:pulumi:Stack lakemesh-dev\n  lakemesh:access:Identities identities\n  lakemesh:domain:DataDomain core-business\n    databricks:index/directory:Directory core-business-folder\n    databricks:index/grants:Grants core-business-schema-grants\n",
    );
  });

  it("fails with one line naming the file and key when a config key is missing, and writes nothing", () => {
    const dir = projectCopy();
    const stackFile = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(stackFile, fs.readFileSync(stackFile, "utf8").replace(/  lakemesh:catalog: lakemesh_dev\n/, ""));
    const r = plan(dir, "--stack", "dev");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("lakemesh plan: Pulumi.dev.yaml: lakemesh:catalog: missing config key; a lower-case Unity Catalog catalog name\n");
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });

  it("fails naming the file, the key and the domain when a domain has no service principal, and writes nothing", () => {
    const dir = projectCopy();
    const stackFile = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(stackFile, fs.readFileSync(stackFile, "utf8").replace(/      usage-engagement: [0-9a-f-]+\n/, ""));
    const r = plan(dir, "--stack", "dev");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "lakemesh plan: the program failed; nothing was written: Pulumi.dev.yaml: lakemesh:databricks.domainServicePrincipals.usage-engagement: missing config key; the application id of the service principal domain usage-engagement's pipeline and job run as, required in every environment\n",
    );
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });

  it("fails on a bad manifest with its located error, and writes nothing", () => {
    const dir = projectCopy();
    const f = path.join(dir, "domains", "core-business.yaml");
    fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace("partitions: 12", "partitions: 0"));
    const r = plan(dir, "--stack", "dev");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "domains/core-business.yaml:29:19: spec.topics[1].partitions: 0 is out of range; an integer from 1 to 256\nlakemesh plan: 1 manifest error(s); nothing was written\n",
    );
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });

  it("refuses an unknown stack and lists the known ones", () => {
    const r = plan(ROOT, "--stack", "staging");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("lakemesh plan: Pulumi.staging.yaml: not found; stacks here: dev, dev-core-business, dev-platform, prod, prod-core-business, prod-platform\n");
  });

  it("exits 2 without --stack", () => {
    const r = plan(ROOT);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--stack is required");
  });
});
