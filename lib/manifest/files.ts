import * as fs from "fs";
import * as path from "path";
import { ManifestError } from "./errors";
import { MAX_MANIFEST_BYTES } from "./source";
import { ManifestFile } from "./validate";

/** A path that does not exist or is not a file or directory: a usage error, not a manifest error. */
export class ManifestPathError extends Error {}

/**
 * Reads manifest files from files and directories (a directory contributes its *.yaml and *.yml files, not recursively).
 * Files over the size limit are not read; they come back as errors.
 */
export function readManifestFiles(paths: readonly string[], cwd = process.cwd()): { files: ManifestFile[]; errors: ManifestError[] } {
  const files: ManifestFile[] = [];
  const errors: ManifestError[] = [];
  const seen = new Set<string>();
  const add = (abs: string) => {
    if (seen.has(abs)) return;
    seen.add(abs);
    const rel = path.relative(cwd, abs);
    const shown = rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel.split(path.sep).join("/") : abs;
    const size = fs.statSync(abs).size;
    if (size > MAX_MANIFEST_BYTES) {
      errors.push({ file: shown, line: 1, column: 1, path: "(file)", message: `file is ${size} bytes`, allowed: `at most ${MAX_MANIFEST_BYTES} bytes (1 MiB) per manifest`, rule: "yaml" });
      return;
    }
    files.push({ file: shown, text: fs.readFileSync(abs, "utf8") });
  };
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw new ManifestPathError(`${p}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      const names = fs.readdirSync(abs).filter((n) => /\.ya?ml$/.test(n)).sort();
      for (const n of names) add(path.join(abs, n));
    } else if (stat.isFile()) {
      add(abs);
    } else {
      throw new ManifestPathError(`${p}: not a file or directory`);
    }
  }
  return { files, errors };
}
