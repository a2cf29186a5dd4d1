import { spawn } from "child_process";
import * as path from "path";

/**
 * Runs a GDPR job on the local data plane (scripts/local/gdpr.sh <job> --name value ...); resolves with its exit
 * status, stdout and the tail of its stderr. Used by `lakemesh gdpr request` and the local serving API. `stdin`
 * carries what must not be in argv (the request's subject, with --record).
 */
export function runLocalGdprJob(root: string, job: string, args: string[], stdin?: string): Promise<{ status: number; stdout: string; stderrTail: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [path.join(root, "scripts", "local", "gdpr.sh"), job, ...args], { cwd: root, stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    if (stdin !== undefined) child.stdin!.end(stdin);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr = (stderr + d).slice(-20_000)));
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? 1, stdout, stderrTail: stderr.split("\n").slice(-25).join("\n") }));
  });
}
