// The Pulumi engine runs the compiled program (Pulumi.yaml `main: dist/index.js`) and the compiled policy pack, not
// the TypeScript sources. `npm run build` records a hash of every source it compiled; the program and the pack refuse
// to start from a dist/ that no longer matches its sources, so an edit is never deployed (or checked) stale.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Written into dist/ by `npm run build` (scripts/build-stamp.js). */
export const BUILD_STAMP = ".lakemesh-build.json";

export class StaleBuildError extends Error {}

const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** Project-relative source of every file tsc emitted or copied into `distDir`, with its SHA-256. */
export function sourceHashes(root: string, distDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of walk(distDir).sort()) {
    const rel = path.relative(distDir, file).split(path.sep).join("/");
    const source = rel.endsWith(".js") ? rel.replace(/\.js$/, ".ts") : rel.endsWith(".json") && rel !== BUILD_STAMP ? rel : undefined;
    if (source && fs.existsSync(path.join(root, source))) out[source] = sha256(path.join(root, source));
  }
  return out;
}

/**
 * Files that change what `npm run build` emits without being compiled themselves: a change to one means a rebuild
 * (scripts/build-if-stale.sh), though the running program does not refuse to start over it.
 */
export const BUILD_CONFIG = ["package.json", "tsconfig.json", "tsconfig.build.json"] as const;

function configHashes(root: string): Record<string, string> {
  return Object.fromEntries(BUILD_CONFIG.filter((f) => fs.existsSync(path.join(root, f))).map((f) => [f, sha256(path.join(root, f))]));
}

interface Stamp {
  readonly sources: Record<string, string>;
  readonly config?: Record<string, string>;
}

export function writeBuildStamp(root: string, distDir: string): number {
  const sources = sourceHashes(root, distDir);
  const stamp: Stamp = { sources, config: configHashes(root) };
  fs.writeFileSync(path.join(distDir, BUILD_STAMP), JSON.stringify(stamp, null, 1) + "\n");
  return Object.keys(sources).length;
}

function readStamp(distDir: string): Stamp | undefined {
  const file = path.join(distDir, BUILD_STAMP);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Stamp) : undefined;
}

const changedSince = (root: string, recorded: Record<string, string>) =>
  Object.entries(recorded)
    .filter(([rel, hash]) => !fs.existsSync(path.join(root, rel)) || sha256(path.join(root, rel)) !== hash)
    .map(([rel]) => rel);

/**
 * Project-relative files matching tsconfig.build.json's `include`: each entry is a file ("index.ts") or
 * "<folder>/**\/*.<ext>". Any other form is refused rather than silently matching nothing.
 */
export function buildInputs(root: string): string[] {
  const config = path.join(root, "tsconfig.build.json");
  if (!fs.existsSync(config)) return [];
  const include = (JSON.parse(fs.readFileSync(config, "utf8")) as { include?: string[] }).include ?? [];
  const out: string[] = [];
  for (const pattern of include) {
    const m = /^([\w.-]+(?:\/[\w.-]+)*)\/\*\*\/\*(\.[\w]+)$/.exec(pattern);
    if (m) {
      const dir = path.join(root, m[1]);
      if (!fs.existsSync(dir)) continue;
      for (const file of walk(dir)) {
        const rel = path.relative(root, file).split(path.sep).join("/");
        if (rel.endsWith(m[2]) && !rel.endsWith(".d.ts")) out.push(rel);
      }
    } else if (/^[\w.-]+(?:\/[\w.-]+)*$/.test(pattern)) {
      if (fs.existsSync(path.join(root, pattern))) out.push(pattern);
    } else {
      throw new Error(`tsconfig.build.json include ${JSON.stringify(pattern)}: only a file or "<folder>/**/*.<ext>" is understood`);
    }
  }
  return [...new Set(out)].sort();
}

/**
 * Why `distDir` needs a rebuild, one reason per line, or none: no stamp; a compiled source edited or deleted; a
 * source the build would compile that it has not (a new file); a changed package.json or tsconfig. Unlike comparing
 * file times against a folder list, this needs no list kept by hand and is not fooled by a checkout's timestamps.
 */
export function staleReasons(root: string, distDir: string): string[] {
  const stamp = readStamp(distDir);
  if (!stamp) return [`${path.relative(root, path.join(distDir, BUILD_STAMP))} is missing`];
  const compiled = new Set(Object.keys(stamp.sources));
  return [
    ...changedSince(root, stamp.sources).map((f) => `${f} changed`),
    ...buildInputs(root)
      .filter((f) => !compiled.has(f))
      .map((f) => `${f} is new`),
    ...(stamp.config ? changedSince(root, stamp.config).map((f) => `${f} changed`) : ["the stamp predates config hashes"]),
    ...BUILD_CONFIG.filter((f) => stamp.config && !(f in stamp.config) && fs.existsSync(path.join(root, f))).map((f) => `${f} is new`),
  ];
}

/**
 * Throws when `distDir` (the folder of the running compiled code, dist/) was built from other sources than the ones
 * beside it. Code that is not running from dist/ (ts-node, jest) has nothing to check.
 */
export function assertBuildCurrent(distDir: string): void {
  if (path.basename(distDir) !== "dist") return;
  const root = path.dirname(distDir);
  const stamp = readStamp(distDir);
  if (!stamp) throw new StaleBuildError(`${path.join(distDir, BUILD_STAMP)} is missing: build with \`npm run build\` (or \`npm ci\`) before running pulumi`);
  // Only compiled sources: a new file nothing imports, or a package.json edit, does not change what runs.
  const changed = changedSince(root, stamp.sources);
  if (changed.length > 0) {
    throw new StaleBuildError(
      `dist/ was compiled from other sources than those in ${root} (${changed.slice(0, 5).join(", ")}${changed.length > 5 ? `, and ${changed.length - 5} more` : ""} changed since): run \`npm run build\`; pulumi runs the compiled program`,
    );
  }
}
