// scripts/local/_lib.sh: a script's stdout is its answer (kafka.sh up prints the bootstrap address that tests and
// users pass to Kafka clients), so the tools it runs must not write there. Maven 3.8 writes ANSI resets to stdout even
// in quiet batch mode without colour; on a fresh clone they were glued to the bootstrap address and every client
// failed to resolve the host (docs/engine-diagnostics.md, the Kafka deploy).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../helpers/settings";

/** Runs `lm_mvn <args>` from _lib.sh with a stand-in `mvn` first on PATH that prints what Maven 3.8.7 printed here. */
function lmMvn(args: string[]) {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-mvn-"));
  try {
    // The bytes `mvn -B -q -ntp -Dstyle.color=never ... validate` wrote to stdout (od -c: 033 [ 0 m 033 [ 0 m, no
    // newline), and a line on stderr; it also records the arguments it was given.
    fs.writeFileSync(path.join(bin, "mvn"), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >"${bin}/args"\nprintf '\\033[0m\\033[0m'\necho "[INFO] on stderr" >&2\n`, { mode: 0o755 });
    const r = spawnSync("bash", ["-c", `source "${path.join(ROOT, "scripts", "local", "_lib.sh")}" && lm_mvn "$@"`, "lm_mvn", ...args], {
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, LAKEMESH_M2_REPO: "", LAKEMESH_MVN_OFFLINE: "" },
      encoding: "utf8",
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, args: fs.readFileSync(path.join(bin, "args"), "utf8").trim() };
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
}

describe("lm_mvn", () => {
  it("keeps Maven's stdout, stray escape codes included, off the caller's stdout", () => {
    const r = lmMvn(["-f", "pom.xml", "validate"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("\u001b[0m\u001b[0m[INFO] on stderr\n");
  });

  it("runs Maven in quiet batch mode without colour or progress, with the caller's arguments", () => {
    expect(lmMvn(["-f", "pom.xml", "validate"]).args).toBe("-B -q -ntp -Dstyle.color=never -f pom.xml validate");
  });
});
