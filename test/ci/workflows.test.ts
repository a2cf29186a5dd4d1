// The GitHub workflows: linted by actionlint (installed into .local/bin from the Go module proxy on first use,
// scripts/ci/actionlint.sh), every action pinned by commit, and wired to the scripts they run.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { fixtureProject } from "../helpers/policy";
import { ROOT } from "../helpers/settings";

const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
const lint = (...args: string[]) => spawnSync("bash", [path.join(ROOT, "scripts", "ci", "actionlint.sh"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 900_000 });

describe("GitHub workflows", () => {
  it("pass actionlint", () => {
    const r = lint();
    expect([r.status, r.stdout]).toEqual([0, ""]);
  }, 900_000);

  it("actionlint fails a broken workflow (negative control)", () => {
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-actionlint-")), "bad.yml");
    fs.writeFileSync(bad, "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.event.nope.pull_request.title }}\n      - uses: actions/checkout@v4\n        with: { fetch-depht: 0 }\n");
    const r = lint(bad);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/fetch-depht/);
  }, 900_000);

  it("pin every action to a full commit SHA, with the release in a comment", () => {
    const uses = files.flatMap((f) => [...fs.readFileSync(path.join(WORKFLOWS, f), "utf8").matchAll(/uses: (\S+)(.*)$/gm)].map((m) => [f, m[1], m[2].trim()]));
    expect(uses.length).toBeGreaterThan(8);
    for (const [f, ref, comment] of uses) expect([f, ref, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/.test(ref), /^# v\d+\.\d+\.\d+$/.test(comment)]).toEqual([f, ref, true, true]);
  });

  it("check a pull request with the PR check, comment once, and fail on its result", () => {
    const wf = parse(fs.readFileSync(path.join(WORKFLOWS, "pull-request.yml"), "utf8"));
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    const steps = wf.jobs.check.steps;
    expect(steps.find((s: any) => s.id === "check").run).toBe('node scripts/ci/pr-check.js "$BASE_SHA" --out out/pr');
    expect(steps.find((s: any) => s.name === "Sticky comment").with.script).toContain("updateComment");
    expect(steps.at(-1).if).toBe("steps.check.outcome != 'success'");
  });

  it("deploy dev first, then prod behind its environment, with the official Pulumi action and the policy pack", () => {
    const wf = parse(fs.readFileSync(path.join(WORKFLOWS, "deploy.yml"), "utf8"));
    expect(wf.on).toEqual({ push: { branches: ["main"] } });
    const jobs = wf.jobs;
    for (const j of ["dev-platform", "dev-domains", "prod-platform", "prod-domains"]) {
      const pulumi = jobs[j].steps.filter((s: any) => String(s.uses).startsWith("pulumi/actions@"));
      expect([j, pulumi.map((s: any) => [s.with.command, s.with.policyPacks])]).toEqual([j, [["preview", "policies"], ["up", "policies"]]]);
      expect(jobs[j].environment).toBe(j.split("-")[0]);
    }
    expect(jobs["prod-platform"].needs).toEqual(expect.arrayContaining(["dev-platform", "dev-domains"]));
    expect(jobs["prod-domains"].needs).toEqual(expect.arrayContaining(["dev-platform", "dev-domains", "prod-platform"]));
  });
});

describe("scripts/ci/deploy-targets.js", () => {
  const dir = fixtureProject();
  const git = (...a: string[]) => spawnSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...a], { cwd: dir, encoding: "utf8" });
  fs.symlinkSync(path.join(ROOT, "bin"), path.join(dir, "bin"));
  fs.symlinkSync(path.join(ROOT, "dist"), path.join(dir, "dist"));
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
  fs.mkdirSync(path.join(dir, "scripts", "ci"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "scripts", "ci", "deploy-targets.js"), path.join(dir, "scripts", "ci", "deploy-targets.js"));
  git("init", "-q");
  fs.writeFileSync(path.join(dir, ".gitignore"), "out/\n");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  const alpha = path.join(dir, "domains", "alpha.yaml");
  fs.writeFileSync(alpha, fs.readFileSync(alpha, "utf8").replace("description: Region.", "description: Sales region."));
  const targets = (layout: string) => spawnSync(process.execPath, [path.join(dir, "scripts", "ci", "deploy-targets.js"), "HEAD", "prod", layout], { cwd: dir, encoding: "utf8" });

  it("single layout: the one stack of the environment", () => {
    const r = targets("single");
    expect([r.status, r.stdout]).toEqual([0, 'platform=["prod"]\ndomains=[]\n']);
  });

  it("split layout: refuses an affected domain stack without its stack file, then deploys it once it has one", () => {
    const r = targets("split");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("::error::prod-alpha is affected but has no Pulumi.prod-alpha.yaml");
    fs.copyFileSync(path.join(ROOT, "Pulumi.prod-core-business.yaml"), path.join(dir, "Pulumi.prod-alpha.yaml"));
    git("add", "Pulumi.prod-alpha.yaml");
    git("commit", "-q", "-m", "alpha's own stack");
    const ok = targets("split");
    expect([ok.status, ok.stdout.split("\n")[1]]).toEqual([0, 'domains=["prod-alpha"]']);
  });
});

describe("scripts/ci/pr-check.js on the fixture mesh", () => {
  it("fails a dropped column without a major bump, with the diff, the policy results and the survival table in one comment", () => {
    const dir = fixtureProject();
    for (const d of ["bin", "dist", "node_modules"]) fs.symlinkSync(path.join(ROOT, d), path.join(dir, d));
    fs.copyFileSync(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
    fs.cpSync(path.join(ROOT, "scripts", "ci"), path.join(dir, "scripts", "ci"), { recursive: true });
    const git = (...a: string[]) => spawnSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...a], { cwd: dir, encoding: "utf8" });
    git("init", "-q");
    fs.writeFileSync(path.join(dir, ".gitignore"), "out/\nnode_modules\n");
    git("add", "-A");
    git("commit", "-q", "-m", "base");
    const alpha = path.join(dir, "domains", "alpha.yaml");
    // Drop the email column (and its personal data), add an opening date.
    const text = fs.readFileSync(alpha, "utf8");
    const email = text.indexOf("        - name: email\n");
    const region = text.indexOf("        - name: region\n");
    fs.writeFileSync(alpha, text.slice(0, email) + "        - name: opened_on\n          physicalType: DATE\n          description: Opening date.\n" + text.slice(region));
    const r = spawnSync(process.execPath, [path.join(dir, "scripts", "ci", "pr-check.js"), "HEAD"], { cwd: dir, encoding: "utf8", timeout: 600_000 });
    expect(r.status).toBe(1);
    const comment = fs.readFileSync(path.join(dir, "out", "pr", "comment.md"), "utf8");
    expect(comment.startsWith("<!-- lakemesh-pr-check -->\n## lakemesh: this change fails the check")).toBe(true);
    expect(comment).toContain("| breaking | column-removed | columns.email: removed email (STRING) |");
    expect(comment).toContain("| compatible | column-added | columns.opened_on: added opened_on (DATE) |");
    expect(comment).toContain("- domain beta: pending");
    // The fixture has only Pulumi.dev.yaml and Pulumi.prod.yaml: the platform is planned inside those stacks.
    expect(comment).toMatch(/\| dev-platform \| [^|]+ \| planned in stack dev \(no Pulumi\.dev-platform\.yaml\) \|/);
    expect(comment).not.toContain("plan failed");
    expect(comment).toMatch(/\| lm-breaking-change-needs-major \| mandatory \| high \| alpha \| domains\/alpha\.yaml:38:18: spec\.datasets\[0\]\.contract\.version: alpha\.accounts: breaking change without a major version bump \(1\.0\.0 -> 1\.0\.0\): columns\.email \(against HEAD\) \| dev, dev-alpha, prod, prod-alpha \|/);
    expect(comment).toMatch(/<details><summary>prod: \d+ copies of personal data, every one erased within the deadline<\/summary>/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "out", "pr", "timings.json"), "utf8")).steps.map((s: { name: string }) => s.name)).toContain("plan prod-alpha");
  }, 600_000);
});
