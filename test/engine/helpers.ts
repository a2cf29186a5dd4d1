// Shared by the tests that run the real Pulumi engine (npm run test:engine): one engine, found and installed as
// `lakemesh preview` finds it, and a workspace of their own under .local/pulumi-tests.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { resolveEngine } from "../../cli/engine/engine";
import { readPreviewEvents, type PreviewEvents } from "../../cli/engine/events";
import { openWorkspace, type Workspace } from "../../cli/engine/workspace";
import { ROOT } from "../helpers/settings";

/** A workspace under .local/pulumi-tests/<name> for the project at `root` (default: this checkout). */
export function testWorkspace(name: string, root = ROOT, project = "lakemesh"): Workspace {
  const engine = resolveEngine(ROOT);
  return openWorkspace(root, project, engine, { dir: path.join(ROOT, ".local", "pulumi-tests", name) });
}

/** Runs the built CLI (as CI and users do) and returns its exit status and output. */
export function lakemesh(args: readonly string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "lakemesh.js"), ...args], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

export const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;

/** Seconds since `t0` (ms), for the timings the engine tests print. */
export const since = (t0: number) => ((Date.now() - t0) / 1000).toFixed(1);

/**
 * What `pulumi up --json` did: it prints the preview's document, then streams the update's engine events (one JSON per
 * line, ending with the summary), which readPreviewEvents reads.
 */
export function upEvents(stdout: string): PreviewEvents {
  return readPreviewEvents(stdout.split("\n").filter((l) => l.startsWith('{"sequence"')).join("\n"));
}

export const upChanges = (stdout: string): Record<string, number> => ({ ...upEvents(stdout).changes });

/**
 * Keeps what the engine said in a run (its diagnostics, and the stderr of the CLI) under
 * .local/pulumi-tests/diagnostics/<name>.jsonl, one line per run: the material of docs/engine-diagnostics.md.
 */
export function keepDiagnostics(name: string, what: string, stdout: string, stderr: string): void {
  const dir = path.join(ROOT, ".local", "pulumi-tests", "diagnostics");
  fs.mkdirSync(dir, { recursive: true });
  const ev = upEvents(stdout);
  fs.appendFileSync(path.join(dir, `${name}.jsonl`), JSON.stringify({ what, diagnostics: ev.diagnostics, policy: ev.policyEvents, stderr: stderr.trim() }) + "\n");
}
