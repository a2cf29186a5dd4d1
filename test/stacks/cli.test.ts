import { spawnSync } from "child_process";
import * as path from "path";
import { ROOT } from "../helpers/settings";

const bin = path.join(ROOT, "bin", "lakemesh.js");
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });

describe("lakemesh stacks", () => {
  it("lists the stacks of an environment and the domains each holds", () => {
    const r = run("stacks", "--env", "prod", "--format", "json");
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as { stack: string; mode: string; domains: string[]; config: string | null }[];
    expect(rows.map((x) => [x.stack, x.mode, x.domains.join(","), x.config])).toEqual([
      ["prod", "single", "core-business,external-integrations,operational-activities,outcomes-performance,usage-engagement,users-identity", "Pulumi.prod.yaml"],
      ["prod-platform", "platform", "", "Pulumi.prod-platform.yaml"],
      ["prod-core-business", "domain", "core-business", "Pulumi.prod-core-business.yaml"],
      ["prod-external-integrations", "domain", "external-integrations", "Pulumi.prod.yaml (domain mode)"],
      ["prod-operational-activities", "domain", "operational-activities", "Pulumi.prod.yaml (domain mode)"],
      ["prod-outcomes-performance", "domain", "outcomes-performance", "Pulumi.prod.yaml (domain mode)"],
      ["prod-usage-engagement", "domain", "usage-engagement", "Pulumi.prod.yaml (domain mode)"],
      ["prod-users-identity", "domain", "users-identity", "Pulumi.prod.yaml (domain mode)"],
    ]);
  });

  it("needs --env", () => {
    const r = run("stacks");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--env <env> is required");
  });
});

describe("lakemesh plan --domain", () => {
  it("fails clearly for a domain that has no manifest", () => {
    const r = run("plan", "--stack", "prod", "--domain", "core", "--quiet");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Pulumi.prod-core.yaml: lakemesh:domain: "core" is not a manifest in domains/; one of: core-business, external-integrations,');
  });
});
