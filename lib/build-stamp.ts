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

export function writeBuildStamp(root: string, distDir: string): number {
  const sources = sourceHashes(root, distDir);
  fs.writeFileSync(path.join(distDir, BUILD_STAMP), JSON.stringify({ sources }, null, 1) + "\n");
  return Object.keys(sources).length;
}

/**
 * Throws when `distDir` (the folder of the running compiled code, dist/) was built from other sources than the ones
 * beside it. Code that is not running from dist/ (ts-node, jest) has nothing to check.
 */
export function assertBuildCurrent(distDir: string): void {
  if (path.basename(distDir) !== "dist") return;
  const root = path.dirname(distDir);
  const stampFile = path.join(distDir, BUILD_STAMP);
  if (!fs.existsSync(stampFile)) throw new StaleBuildError(`${stampFile} is missing: build with \`npm run build\` (or \`npm ci\`) before running pulumi`);
  const { sources } = JSON.parse(fs.readFileSync(stampFile, "utf8")) as { sources: Record<string, string> };
  const changed = Object.entries(sources)
    .filter(([rel, hash]) => !fs.existsSync(path.join(root, rel)) || sha256(path.join(root, rel)) !== hash)
    .map(([rel]) => rel);
  if (changed.length > 0) {
    throw new StaleBuildError(
      `dist/ was compiled from other sources than those in ${root} (${changed.slice(0, 5).join(", ")}${changed.length > 5 ? `, and ${changed.length - 5} more` : ""} changed since): run \`npm run build\`; pulumi runs the compiled program`,
    );
  }
}
