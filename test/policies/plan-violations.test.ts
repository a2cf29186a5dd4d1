import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../helpers/settings";
import { fixtureProject } from "../helpers/policy";

// Deliberately bad inputs, planned the way CI plans them: `lakemesh plan` must exit 1 and name the rule.
const bin = path.join(ROOT, "bin", "lakemesh.js");

function patch(dir: string, file: string, from: string, to: string): void {
  const full = path.join(dir, file);
  const text = fs.readFileSync(full, "utf8");
  if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
  fs.writeFileSync(full, text.replace(from, to));
}

function plan(dir: string, ...extra: string[]) {
  return spawnSync(process.execPath, [bin, "plan", "--stack", "prod", "--quiet", ...extra], { cwd: dir, encoding: "utf8", timeout: 120_000 });
}

const CASES: [string, string[], (dir: string) => void][] = [
  ["a tenant table partitioned by tenant", ["lm-no-tenant-partitioning"], (d) => patch(d, "domains/alpha.yaml", "      clusterBy: [tenant_id]\n", "      partitionBy:\n        columns: [tenant_id]\n")],
  ["a grant to account users", ["lm-uc-no-broad-grants"], (d) => patch(d, "Pulumi.prod.yaml", "client_admin: lakemesh-prod-client-admins", "client_admin: account users")],
  ["a plaintext token", ["lm-secrets-not-plaintext"], (d) => patch(d, "domains/alpha.yaml", "description: Test producer domain.", "description: Test producer domain; token dapi0123456789abcdef0123456789abcdef.")],
  ["an unprotected prod bucket", ["lm-prod-protect-data-stores"], (d) => patch(d, "Pulumi.prod.yaml", "lakemesh:protect: true", "lakemesh:protect: false")],
  ["prod topics on one replica", ["lm-kafka-prod-replication"], (d) => patch(d, "Pulumi.prod.yaml", "replicationFactor: 3\n    minInsyncReplicas: 2", "replicationFactor: 1\n    minInsyncReplicas: 1")],
  ["ALL_PRIVILEGES to a group that is not the platform admins", ["lm-uc-all-privileges-admin-only"], (d) => patch(d, "Pulumi.prod.yaml", "platform_admin: lakemesh-prod-platform-admins", "platform_admin: data-admins")],
  ["deleted files kept 30 days before VACUUM", ["lm-gdpr-erasure-survival"], (d) => patch(d, "Pulumi.prod.yaml", "vacuumRetentionHours: 168", "vacuumRetentionHours: 720")],
  ["a production API on one replica", ["lm-serving-prod-availability"], (d) => patch(d, "Pulumi.prod.yaml", "    replicas: 3\n", "    replicas: 1\n")],
  // Another stack file of the same Databricks account claims its governed tags: only the claims lakemesh plan reads
  // from every stack file can show it.
  ["two environments of one account owning its governed tags", ["lm-account-objects-single-owner"], (d) => patch(d, "Pulumi.dev.yaml", "accountObjectsOwner: prod", "accountObjectsOwner: dev")],
];

describe("lakemesh plan enforces the pack", () => {
  it("passes the fixture mesh on prod with no violation", () => {
    const r = plan(fixtureProject());
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/0 mandatory and 0 advisory policy violations/);
  });

  it.each(CASES)("fails on %s", (_name, ids, edit) => {
    const dir = fixtureProject();
    edit(dir);
    const r = plan(dir);
    expect(r.status).toBe(1);
    for (const id of ids) expect(r.stderr).toContain(`[mandatory] ${id} (`);
    expect(r.stderr).toContain("remediation: ");
    // The violations are in plan.md, ready for a pull-request comment.
    const md = fs.readFileSync(path.join(dir, "out", "plan", "prod", "plan.md"), "utf8");
    for (const id of ids) expect(md).toContain(`| ${id} | mandatory |`);
  });

  it("refuses a PII topic kept 90 days already in validate, at its line", () => {
    const dir = fixtureProject();
    patch(dir, "domains/alpha.yaml", "retention: P7D", "retention: P90D");
    const r = plan(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'domains/alpha.yaml:19:18: spec.topics[0].retention: topic "accounts" carries personal data and keeps an event up to 91 days (retention P90D plus up to 1 day until its segment rolls), past the 30-day erasure deadline; a retention of at most P29D (older events are read from bronze, which erasure reaches)\nlakemesh plan: 1 manifest error(s); nothing was written\n',
    );
  });

  it("fails on a PII topic kept past the deadline a policy config sets, naming its manifest line", () => {
    const dir = fixtureProject();
    fs.writeFileSync(path.join(dir, "policy.json"), JSON.stringify({ "lm-kafka-pii-retention": { maxRetentionMs: 5 * 86_400_000 }, "lm-gdpr-erasure-survival": { deadlineDays: 5 } }));
    const r = plan(dir, "--policy-config", "policy.json");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("[mandatory] lm-kafka-pii-retention (critical) alpha.accounts.v1: domains/alpha.yaml:19:18: spec.topics[0].retention: personal-data topic alpha.accounts.v1 keeps events 7 days; at most 5 days (the erasure deadline)");
    expect(r.stderr).toContain("[mandatory] lm-gdpr-erasure-survival (critical) (stack): ");
  });

  it("fails on a column removed from an active contract, given the previous plan", () => {
    const dir = fixtureProject();
    expect(plan(dir).status).toBe(0);
    fs.copyFileSync(path.join(dir, "out", "plan", "prod", "plan.json"), path.join(dir, "previous.json"));
    patch(dir, "domains/alpha.yaml", "        - name: region\n          physicalType: STRING\n          description: Region.\n        - name: balance", "        - name: balance");
    patch(dir, "domains/alpha.yaml", "        groupBy: [region]", "        groupBy: []");
    patch(dir, "domains/alpha.yaml", "        - name: region\n          physicalType: STRING\n          description: Region.\n        - name: accounts", "        - name: accounts");
    patch(dir, "domains/beta.yaml", "        groupBy: [region]", "        groupBy: []");
    patch(dir, "domains/beta.yaml", "        - name: region\n          physicalType: STRING\n          description: Region.\n", "");
    const r = plan(dir, "--previous", "previous.json");
    expect(r.stderr).toContain("[mandatory] lm-breaking-change-needs-major (high) alpha: domains/alpha.yaml:38:18: spec.datasets[0].contract.version: alpha.accounts: breaking change without a major version bump (1.0.0 -> 1.0.0): columns.region (against previous.json)");
    expect(r.status).toBe(1);
    // plan.md carries the contract diff it was judged by.
    expect(fs.readFileSync(path.join(dir, "out", "plan", "prod", "plan.md"), "utf8")).toContain("| breaking | column-removed | columns.region: removed region (STRING) |");
  });

  it("compares with a git revision given --base, and refuses --base with --previous", () => {
    const dir = fixtureProject();
    const git = (...args: string[]) => spawnSync("git", args, { cwd: dir, encoding: "utf8" });
    git("init", "-q");
    git("-c", "user.email=ci@example.com", "-c", "user.name=ci", "commit", "-q", "--allow-empty", "-m", "empty");
    git("add", "-A");
    git("-c", "user.email=ci@example.com", "-c", "user.name=ci", "commit", "-q", "-m", "base");
    patch(dir, "domains/alpha.yaml", "          physicalType: DECIMAL(18,2)\n          description: Balance.", "          physicalType: DECIMAL(12,2)\n          description: Balance.");
    const r = plan(dir, "--base", "HEAD");
    expect(r.stderr).toContain("[mandatory] lm-breaking-change-needs-major (high) alpha: domains/alpha.yaml:38:18: spec.datasets[0].contract.version: alpha.accounts: breaking change without a major version bump (1.0.0 -> 1.0.0): columns.balance (against HEAD)");
    expect(r.status).toBe(1);
    const both = plan(dir, "--base", "HEAD", "--previous", "x.json");
    expect([both.status, both.stderr.split("\n")[0]]).toEqual([2, "lakemesh plan: --base and --previous both name what to compare with; give one"]);
  });

  it("lets --policy-config lower a rule to advisory, as pulumi preview --policy-pack-config does", () => {
    const dir = fixtureProject();
    patch(dir, "domains/alpha.yaml", "      clusterBy: [tenant_id]\n", "      partitionBy:\n        columns: [tenant_id]\n");
    fs.writeFileSync(path.join(dir, "policy.json"), JSON.stringify({ "lm-no-tenant-partitioning": "advisory" }));
    const r = plan(dir, "--policy-config", "policy.json");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("[advisory] lm-no-tenant-partitioning (medium) alpha: domains/alpha.yaml:29:7: spec.datasets[0].partitionBy: dataset alpha.accounts is partitioned by tenant key tenant_id");
  });

  it("rejects a policy config that does not fit a rule's schema", () => {
    const dir = fixtureProject();
    fs.writeFileSync(path.join(dir, "policy.json"), JSON.stringify({ "lm-kafka-pii-retention": { maxRetentionMs: "a week" } }));
    const r = plan(dir, "--policy-config", "policy.json");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("lakemesh plan: policy config of lm-kafka-pii-retention: /maxRetentionMs must be integer\n");
  });
});
