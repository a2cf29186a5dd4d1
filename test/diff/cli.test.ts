// lakemesh diff as CI runs it: a git repository, a base commit, a change in the working tree (or at --head).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { fixtureProject } from "../helpers/policy";
import { ROOT } from "../helpers/settings";

const bin = path.join(ROOT, "bin", "lakemesh.js");
const dir = fixtureProject();
const git = (...a: string[]) => spawnSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...a], { cwd: dir, encoding: "utf8" });
const diff = (...a: string[]) => spawnSync(process.execPath, [bin, "diff", ...a], { cwd: dir, encoding: "utf8" });
const alpha = path.join(dir, "domains", "alpha.yaml");
const original = fs.readFileSync(alpha, "utf8");

beforeAll(() => {
  git("init", "-q");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
});
afterEach(() => fs.writeFileSync(alpha, original));

describe("lakemesh diff", () => {
  it("exits 0 with no change", () => {
    const r = diff("--base", "HEAD");
    expect([r.status, r.stdout.split("\n").slice(-2)[0]]).toEqual([0, "0 breaking, 0 compatible, 0 cosmetic change(s) in 0 dataset(s); gate passes"]);
  });

  it("exits 1 on a breaking change without its major bump, in every format", () => {
    fs.writeFileSync(alpha, original.replace("          physicalType: DECIMAL(18,2)\n          description: Balance.", "          physicalType: DECIMAL(10,2)\n          description: Balance."));
    const text = diff("--base", "HEAD");
    expect(text.status).toBe(1);
    expect(text.stdout).toContain("breaking    type-narrowed           columns.balance: type narrowed DECIMAL(18,2) -> DECIMAL(10,2): old values may not fit");
    const json = diff("--base", "HEAD", "--format", "json");
    expect(json.status).toBe(1);
    const parsed = JSON.parse(json.stdout);
    expect([parsed.summary, parsed.failures.length, parsed.headErrors]).toEqual([{ breaking: 1, compatible: 0, cosmetic: 0, datasets: 1, failures: 2 }, 2, 0]);
    const md = diff("--base", "HEAD", "--format", "markdown");
    expect(md.stdout).toContain("| alpha | accounts | active | 1.0.0 -> 1.0.0 | major | none | 1 | fails |");
  });

  it("compares two commits with --head, leaving the working tree out", () => {
    fs.writeFileSync(alpha, original.replace("description: Region.", "description: Sales region."));
    git("commit", "-q", "-am", "cosmetic");
    fs.writeFileSync(alpha, original.replace("      access: [internal_analyst]\n", ""));
    const r = diff("--base", "HEAD~1", "--head", "HEAD");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("cosmetic    description-changed     columns.region: description changed");
    expect(r.stdout).not.toContain("access revoked");
    git("reset", "-q", "--hard", "HEAD~1");
  });

  it("exits 1 and prints the errors when the head manifests are invalid", () => {
    fs.writeFileSync(alpha, original.replace("partitions: 3", "partitions: 0"));
    const r = diff("--base", "HEAD");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("domains/alpha.yaml:18:19: spec.topics[0].partitions: 0 is out of range");
  });

  it.each([
    [["--base", "no-such-ref"], "--base no-such-ref: not a commit of the repository"],
    [["--base", "HEAD", "--format", "html"], "--format must be one of text, json, markdown"],
    [[], "--base <git ref> is required"],
  ])("exits 2 on a usage error: %j", (argv, message) => {
    const r = diff(...argv);
    expect([r.status, r.stderr]).toEqual([2, expect.stringContaining(message)]);
  });
});
