// A throwaway Pulumi workspace under .local/pulumi: a local file backend, a passphrase secrets provider, dummy
// credentials and an unreachable cluster, so the real engine previews a stack with no account, no network and no
// effect on anything but .local/. Stack config is generated under .local too: the repository's Pulumi.<stack>.yaml
// files are read, never written (`pulumi stack init` and `config set` would add a salt and ciphertext to them).
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import type { Engine } from "./engine";
import { EngineError } from "./engine";

/** Protects only the local throwaway state under .local/pulumi/state; never a real secret. */
export const LOCAL_PASSPHRASE = "lakemesh-local-state-only";

/** A kubeconfig for a cluster nobody listens on: the kubernetes provider then previews in "cluster unreachable" mode. */
export const UNREACHABLE_KUBECONFIG = {
  apiVersion: "v1",
  kind: "Config",
  clusters: [{ name: "unreachable", cluster: { server: "https://127.0.0.1:1" } }],
  contexts: [{ name: "unreachable", context: { cluster: "unreachable", user: "nobody" } }],
  "current-context": "unreachable",
  users: [{ name: "nobody", user: { token: "dummy-token" } }],
};

export interface Workspace {
  /** Project root (Pulumi.yaml, domains/). */
  readonly root: string;
  readonly project: string;
  readonly engine: Engine;
  /** .local/pulumi (or the folder given): state, home, stacks. */
  readonly dir: string;
  /** Environment every pulumi command of this workspace runs with. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The environment of a workspace. Credentials the program or providers might read from the environment are
 * replaced by dummies, so a preview can never reach a real workspace, account or cluster with the caller's.
 */
export function workspaceEnv(dir: string, engine: Engine, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of Object.keys(env)) {
    if (/^(PULUMI_|DATABRICKS_|AWS_|KAFKA_)/.test(k) || k === "KUBECONFIG") delete env[k];
  }
  // A normal install keeps its own plugin cache (and may download missing plugins); the prebuilt engine has every
  // plugin beside `pulumi`, on PATH, and must never try the network.
  if (base.PULUMI_HOME && engine.source === "path") env.PULUMI_HOME = base.PULUMI_HOME;
  if (engine.source === "installed") {
    env.PULUMI_HOME = path.join(dir, "home");
    env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
  }
  return {
    ...env,
    PATH: [engine.binDir, base.PATH ?? ""].filter(Boolean).join(path.delimiter),
    PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: LOCAL_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    DATABRICKS_TOKEN: "dapi-dummy-preview-token",
    AWS_ACCESS_KEY_ID: "dummy-preview-key",
    AWS_SECRET_ACCESS_KEY: "dummy-preview-secret",
    KUBECONFIG: path.join(dir, "kubeconfig-unreachable.yaml"),
  };
}

export function openWorkspace(root: string, project: string, engine: Engine, opts: { dir?: string; env?: NodeJS.ProcessEnv } = {}): Workspace {
  const dir = path.resolve(opts.dir ?? path.join(root, ".local", "pulumi"));
  fs.mkdirSync(path.join(dir, "state"), { recursive: true });
  fs.writeFileSync(path.join(dir, "kubeconfig-unreachable.yaml"), stringify(UNREACHABLE_KUBECONFIG));
  return { root, project, engine, dir, env: workspaceEnv(dir, engine, opts.env) };
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `pulumi <args>` in the workspace. Never throws for a non-zero exit: callers read `code`. */
export function runPulumi(ws: Workspace, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(ws.engine.pulumi, [...args], { cwd: opts.cwd ?? ws.root, env: { ...ws.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGTERM"), opts.timeoutMs ?? 15 * 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new EngineError(`could not run ${ws.engine.pulumi}: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

async function must(ws: Workspace, args: readonly string[], cwd?: string): Promise<RunResult> {
  const r = await runPulumi(ws, args, { cwd });
  if (r.code !== 0) throw new EngineError(`pulumi ${args.join(" ")} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  return r;
}

/** Config of a generated stack: plain values (structured ones as objects) and secrets, by `namespace:key`. */
export interface StackValues {
  readonly plain: Readonly<Record<string, unknown>>;
  readonly secrets: Readonly<Record<string, string>>;
}

/**
 * Stack management runs in a scratch folder holding only a copy of the project's name, so `stack init` and
 * `stack rm` write and delete config files there, never in the repository.
 */
function scratch(ws: Workspace, stack: string): string {
  const dir = path.join(ws.dir, "stacks", stack);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify({ name: ws.project, runtime: "nodejs" }));
  return dir;
}

/** The generated config file of a stack (what `--config-file` names). */
export const configFileOf = (ws: Workspace, stack: string) => path.join(ws.dir, "stacks", stack, `Pulumi.${stack}.yaml`);

export async function stackExists(ws: Workspace, stack: string): Promise<boolean> {
  const r = await must(ws, ["stack", "ls", "--json"], scratch(ws, stack));
  return (JSON.parse(r.stdout) as { name: string }[]).some((s) => s.name === stack || s.name.endsWith(`/${stack}`));
}

/**
 * Creates the stack in the local backend (removing any earlier one when `fresh`) and writes its config file:
 * the given plain values, then the secrets through the passphrase provider. Returns the config file.
 */
export async function prepareStack(ws: Workspace, stack: string, values: StackValues, opts: { fresh: boolean }): Promise<string> {
  const dir = scratch(ws, stack);
  const file = configFileOf(ws, stack);
  const exists = await stackExists(ws, stack);
  if (opts.fresh || !exists || !fs.existsSync(file)) {
    if (exists) await must(ws, ["stack", "rm", "--yes", "--force", stack], dir);
    fs.rmSync(file, { force: true });
    await must(ws, ["stack", "init", stack, "--secrets-provider", "passphrase", "--no-select"], dir);
  }
  const salt = (fs.existsSync(file) ? /^encryptionsalt: (.+)$/m.exec(fs.readFileSync(file, "utf8"))?.[1] : undefined) ?? undefined;
  if (!salt) throw new EngineError(`pulumi stack init ${stack} wrote no encryption salt to ${file}`);
  fs.writeFileSync(file, stringify({ encryptionsalt: salt, config: values.plain }));
  const secrets = Object.entries(values.secrets).flatMap(([k, v]) => ["--secret", `${k}=${v}`]);
  if (secrets.length > 0) await must(ws, ["config", "set-all", "--stack", stack, "--config-file", file, ...secrets], dir);
  return file;
}

/** Replaces a stack's state with a deployment holding only a root stack with these outputs (a stand-in). */
export async function importOutputsOnly(ws: Workspace, stack: string, outputs: Record<string, unknown>): Promise<void> {
  const dir = scratch(ws, stack);
  if (!(await stackExists(ws, stack))) await must(ws, ["stack", "init", stack, "--secrets-provider", "passphrase", "--no-select"], dir);
  const deployment = {
    version: 3,
    deployment: {
      manifest: { time: new Date(0).toISOString(), magic: "", version: "" },
      resources: [{ urn: `urn:pulumi:${stack}::${ws.project}::pulumi:pulumi:Stack::${ws.project}-${stack}`, custom: false, type: "pulumi:pulumi:Stack", outputs }],
    },
  };
  const file = path.join(dir, "standin-deployment.json");
  fs.writeFileSync(file, JSON.stringify(deployment, null, 1));
  await must(ws, ["stack", "import", "--stack", stack, "--file", file, "--force"], dir);
}

/** The engine's version line (`pulumi version`). */
export async function engineVersion(ws: Workspace): Promise<string> {
  return (await must(ws, ["version"])).stdout.trim();
}

/** The stack's state file in the local backend (what `pulumi up` wrote). */
export function stateFile(ws: Workspace, stack: string): string {
  return path.join(ws.dir, "state", ".pulumi", "stacks", ws.project, `${stack}.json`);
}
