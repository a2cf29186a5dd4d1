import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { affectedStacks } from "../../lib/compile";
import { readTree } from "../helpers/files";
import { ROOT, shippedMesh, stackSettings } from "../helpers/settings";

const bin = path.join(ROOT, "bin", "lakemesh.js");
const DOMAINS = ["core-business", "external-integrations", "operational-activities", "outcomes-performance", "usage-engagement", "users-identity"];
const CODE = ["notebooks/pipelines/lakemesh_pipeline.py"];

function lakemesh(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`lakemesh ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** Plans the platform stack and every domain stack of prod into out/<label>/<stack>. */
function planAll(dir: string, label: string): void {
  const out = path.join(dir, "out", label);
  lakemesh(dir, "plan", "--stack", "prod-platform", "--quiet", "--out", out);
  for (const d of DOMAINS) lakemesh(dir, "plan", "--stack", "prod", "--domain", d, "--quiet", "--out", out);
}

describe("lakemesh affected", () => {
  it("names exactly the stacks whose plans a manifest change changes; no byte of any other plan moves", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-affected-"));
    for (const f of fs.readdirSync(ROOT).filter((f) => /^Pulumi\..*yaml$/.test(f))) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    fs.cpSync(path.join(ROOT, "domains"), path.join(dir, "domains"), { recursive: true });
    fs.cpSync(path.join(ROOT, "notebooks"), path.join(dir, "notebooks"), { recursive: true });
    fs.writeFileSync(path.join(dir, ".gitignore"), "out/\n");
    const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "base");
    planAll(dir, "before");

    // Outcomes starts reading usage-engagement's interactions: its own stack changes, and so does the producer's,
    // which owns the grants.
    const f = path.join(dir, "domains", "outcomes-performance.yaml");
    fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace("      datasets: [feature_usage, events]", "      datasets: [feature_usage, events, interactions]"));

    const report = JSON.parse(lakemesh(dir, "affected", "--base", "HEAD", "--env", "prod", "--format", "json"));
    const affected = (report.stacks as { stack: string }[]).map((s) => s.stack).filter((s) => s !== "prod").sort();
    expect(affected).toEqual(["prod-outcomes-performance", "prod-usage-engagement"]);

    planAll(dir, "after");
    const changed = ["prod-platform", ...DOMAINS.map((d) => `prod-${d}`)].filter((s) => {
      const [a, b] = [readTree(path.join(dir, "out", "before", s)), readTree(path.join(dir, "out", "after", s))];
      return JSON.stringify(a) !== JSON.stringify(b);
    });
    expect(changed).toEqual(affected);
  });

  it("touches only the changed domain when a column no one else reads is added", () => {
    const s = stackSettings("prod");
    const base = shippedMesh().domains;
    const head = structuredClone(base);
    head.find((d) => d.metadata.name === "core-business")!.spec.datasets.find((d) => d.name === "equity_plans")!.columns.push({ name: "notes", physicalType: "STRING", description: "Notes." });
    expect(affectedStacks(s, base, head, CODE, ["domains/core-business.yaml"]).map((x) => x.stack)).toEqual(["prod", "prod-core-business"]);
  });

  it("touches the platform when personal data changes, since the GDPR registry is the platform's", () => {
    const s = stackSettings("prod");
    const base = shippedMesh().domains;
    const head = structuredClone(base);
    const col = head.find((d) => d.metadata.name === "core-business")!.spec.datasets.find((d) => d.name === "equity_grants")!.columns.find((c) => c.name === "holder_email")!;
    (col as { personalData?: unknown }).personalData = { ...col.personalData!, erasure: "delete" };
    expect(affectedStacks(s, base, head, CODE, ["domains/core-business.yaml"]).map((x) => x.stack)).toEqual(["prod", "prod-core-business", "prod-platform"]);
  });

  it("touches every domain stack when the pipeline module changes, and everything when shared code does", () => {
    const s = stackSettings("prod");
    const mesh = shippedMesh().domains;
    expect(affectedStacks(s, mesh, mesh, CODE, ["notebooks/pipelines/lakemesh_pipeline.py"]).map((x) => x.stack)).toEqual(["prod", ...DOMAINS.map((d) => `prod-${d}`)]);
    expect(affectedStacks(s, mesh, mesh, CODE, ["lib/compile/naming.ts"]).length).toBe(8);
    expect(affectedStacks(s, mesh, mesh, CODE, ["README.md"])).toEqual([]);
  });
});
