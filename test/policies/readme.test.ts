import * as fs from "fs";
import * as path from "path";
import { allRules } from "../../policies/rules";

const root = path.join(__dirname, "..", "..", "policies");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

function ruleFiles(): string[] {
  const rules = path.join(root, "rules");
  return fs
    .readdirSync(rules, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(rules, d.name)).map((f) => f.replace(/\.ts$/, "")))
    .sort();
}

describe("the policy pack", () => {
  it("has one rule per file, its id the file name, each in allRules once", () => {
    expect(allRules.map((r) => r.name).sort()).toEqual(ruleFiles());
  });

  it.each(allRules.map((r) => [r.name, r]))("%s sets its metadata and a default for every config property", (_id, r) => {
    expect(r.description.length).toBeGreaterThan(20);
    expect(["mandatory", "advisory"]).toContain(r.enforcementLevel);
    expect(["low", "medium", "high", "critical"]).toContain(r.severity);
    expect((r.remediationSteps ?? "").length).toBeGreaterThan(20);
    expect(r.configSchema).toBeDefined();
    for (const [k, prop] of Object.entries(r.configSchema!.properties)) expect([k, (prop as { default?: unknown }).default !== undefined]).toEqual([k, true]);
  });

  it("lists every rule in policies/README.md with its exact description, level and severity", () => {
    const rows = new Map([...readme.matchAll(/^\| (lm-[a-z0-9-]+) \| (.+?) \| (mandatory|advisory) \| (low|medium|high|critical) \| (.+) \|$/gm)].map((m) => [m[1], [m[2], m[3], m[4]]]));
    expect([...rows.keys()].sort()).toEqual(allRules.map((r) => r.name).sort());
    for (const r of allRules) expect(rows.get(r.name)).toEqual([r.description, r.enforcementLevel, r.severity]);
  });

  it("keeps index.ts to constructing the pack", () => {
    const index = fs.readFileSync(path.join(root, "index.ts"), "utf8");
    expect(index).toContain('new PolicyPack("lakemesh", { policies: [...allRules] });');
    expect(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(fs.readFileSync(path.join(root, "PulumiPolicy.yaml"), "utf8")).toContain("runtime: nodejs");
  });
});
