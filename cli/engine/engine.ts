// Finding the Pulumi engine `lakemesh preview` runs: the `pulumi` on PATH (a normal install), else the prebuilt
// engine of this machine kind (a folder with install.sh, installed into .local/pulumi/engine).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** Names the folder of the prebuilt engine (the one holding install.sh); relative paths are from the project root. */
export const ENGINE_ENV = "LAKEMESH_PULUMI_ENGINE";
/** Where the prebuilt engine sits relative to some parent folder of a checkout (`<parent>/shared/tools/pulumi-engine`). */
export const ENGINE_SEARCH = path.join("shared", "tools", "pulumi-engine");

export class EngineError extends Error {}

export interface Engine {
  /** Absolute path of the `pulumi` binary. */
  readonly pulumi: string;
  /** Folder to put first on PATH (the language host, shims and providers sit beside `pulumi`). */
  readonly binDir: string;
  /** `path`: a normal install found on PATH (its own plugin cache); `installed`: the prebuilt engine. */
  readonly source: "path" | "installed";
  /** The folder installed from, for `installed`. */
  readonly from?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** An executable named `name` in one of the PATH folders. */
export function findOnPath(name: string, env: Env = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const full = path.join(dir, name);
    try {
      fs.accessSync(full, fs.constants.X_OK);
      if (fs.statSync(full).isFile()) return full;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** The local folder a clone was made from (its `origin` remote, when that is a path on this machine). */
function originFolder(root: string): string | undefined {
  const r = spawnSync("git", ["-C", root, "remote", "get-url", "origin"], { encoding: "utf8" });
  const url = r.status === 0 ? r.stdout.trim() : "";
  const local = url.startsWith("file://") ? url.slice("file://".length) : url;
  return path.isAbsolute(local) && fs.existsSync(local) ? local : undefined;
}

/**
 * The prebuilt engine folder: $LAKEMESH_PULUMI_ENGINE, else the first `shared/tools/pulumi-engine` next to the project
 * root or one of its parents (a checkout at /x/y/clone finds /x/y/shared/... and /x/shared/...), else next to the
 * folder the checkout was cloned from, or one of its parents (CI clones the main checkout into a folder anywhere).
 * Returns the folders it tried when none holds install.sh.
 */
export function findEngineDir(root: string, env: Env = process.env): { dir?: string; tried: string[] } {
  const tried: string[] = [];
  const given = env[ENGINE_ENV];
  if (given) {
    const dir = path.resolve(root, given);
    tried.push(`${dir} ($${ENGINE_ENV})`);
    return fs.existsSync(path.join(dir, "install.sh")) ? { dir, tried } : { tried };
  }
  const search = (start: string): string | undefined => {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, ENGINE_SEARCH);
      if (tried.includes(candidate)) return undefined;
      tried.push(candidate);
      if (fs.existsSync(path.join(candidate, "install.sh"))) return candidate;
      if (path.dirname(dir) === dir) return undefined;
    }
  };
  const origin = originFolder(root);
  const dir = search(root) ?? (origin ? search(origin) : undefined);
  return dir ? { dir, tried } : { tried };
}

/**
 * The engine to run: `pulumi` from PATH when there is one (how users run it), else the prebuilt engine installed
 * (idempotently, checksums verified by its install.sh) into <root>/.local/pulumi/engine.
 */
export function resolveEngine(root: string, env: Env = process.env, log: (line: string) => void = () => undefined): Engine {
  const onPath = findOnPath("pulumi", env);
  if (onPath) return { pulumi: onPath, binDir: path.dirname(onPath), source: "path" };
  const { dir, tried } = findEngineDir(root, env);
  if (!dir) {
    throw new EngineError(
      `no \`pulumi\` on PATH and no prebuilt engine found; install Pulumi (https://www.pulumi.com/docs/install/) or set ${ENGINE_ENV} to the folder holding the engine's install.sh. Tried: ${tried.join(", ")}`,
    );
  }
  const dest = path.join(root, ".local", "pulumi", "engine");
  log(`no pulumi on PATH: using the prebuilt engine from ${dir} (installed into ${path.relative(root, dest)})`);
  const r = spawnSync("bash", [path.join(dir, "install.sh"), dest], { encoding: "utf8" });
  if (r.status !== 0) throw new EngineError(`${path.join(dir, "install.sh")} failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || "").trim()}`);
  const pulumi = path.join(dest, "bin", "pulumi");
  if (!fs.existsSync(pulumi)) throw new EngineError(`${path.join(dir, "install.sh")} left no ${pulumi}`);
  return { pulumi, binDir: path.dirname(pulumi), source: "installed", from: dir };
}
