import { spawnSync } from "child_process";
import * as path from "path";
import { ROOT } from "../helpers/settings";

// The installed `lakemesh` bin (built by `npm run build`, which `npm test` runs first when a source is newer than dist/) keeps the exit codes.
const bin = path.join(ROOT, "bin", "lakemesh.js");
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, encoding: "utf8" });

describe("bin/lakemesh.js", () => {
  it("exits 0 on the shipped domains", () => {
    const r = run("validate");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("6 manifests valid: 26 datasets, 17 topics\n");
  });

  it("exits 1 on an invalid mesh", () => {
    expect(run("validate", "test/fixtures/mesh/beta.yaml").status).toBe(1);
  });

  it("exits 2 on a usage error", () => {
    const r = run("validate", "--format", "yaml");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--format must be text or json");
  });
});
