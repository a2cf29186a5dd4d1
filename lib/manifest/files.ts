import * as fs from "fs";
import * as path from "path";
import { fileKind, readRegularFile, UnreadableFileError } from "../read-file";
import { printable } from "../text";
import { ManifestError } from "./errors";
import { MAX_MANIFEST_BYTES } from "./source";
import { ManifestFile } from "./validate";

/** At most this many manifests are read per run; a folder with more is refused without reading any. */
export const MAX_MANIFEST_FILES = 500;
/** At most this many bytes of manifests are read per run (500 typical domains are about 10 MiB). */
export const MAX_MESH_BYTES = 32 * 1024 * 1024;

/** A path that does not exist: a usage error, not a manifest error. */
export class ManifestPathError extends Error {}

const MANIFEST_NAME = /\.ya?ml$/;

/**
 * Reads manifest files from files and directories (a directory contributes its *.yaml and *.yml entries, not
 * recursively). Only regular files are read: a symbolic link, a directory, a FIFO or a device named *.yaml is an
 * error located at that path, as is a file over the size limit, a folder with too many manifests, or a mesh over
 * the total size limit. Paths in errors are relative to `cwd` when possible and never carry control characters.
 */
export function readManifestFiles(paths: readonly string[], cwd = process.cwd()): { files: ManifestFile[]; errors: ManifestError[] } {
  const files: ManifestFile[] = [];
  const errors: ManifestError[] = [];
  const seen = new Set<string>();
  let total = 0;
  const display = (abs: string) => {
    const rel = path.relative(cwd, abs);
    return printable(rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel.split(path.sep).join("/") : abs);
  };
  const refuse = (abs: string, message: string, allowed: string) =>
    errors.push({ file: display(abs), line: 1, column: 1, path: "(file)", message, allowed, rule: "yaml" });
  const add = (abs: string) => {
    if (seen.has(abs)) return;
    seen.add(abs);
    if (files.length >= MAX_MANIFEST_FILES) {
      refuse(abs, `more than ${MAX_MANIFEST_FILES} manifests given`, `at most ${MAX_MANIFEST_FILES} manifests per run`);
      return;
    }
    let text: string;
    try {
      text = readRegularFile(abs, MAX_MANIFEST_BYTES);
    } catch (e) {
      if (!(e instanceof UnreadableFileError)) throw e;
      refuse(abs, `file ${e.message}`, `a regular file (not a link, directory, FIFO or device) of at most ${MAX_MANIFEST_BYTES} bytes (1 MiB) of UTF-8 text`);
      return;
    }
    total += Buffer.byteLength(text, "utf8");
    if (total > MAX_MESH_BYTES) {
      refuse(abs, `the manifests read so far hold ${total} bytes`, `at most ${MAX_MESH_BYTES} bytes (32 MiB) of manifests per run`);
      return;
    }
    files.push({ file: display(abs), text });
  };
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(abs);
    } catch {
      throw new ManifestPathError(`${printable(p)}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      const names = manifestNames(abs);
      if (names === undefined) {
        refuse(abs, `the folder holds more than ${MAX_MANIFEST_FILES} *.yaml or *.yml entries`, `at most ${MAX_MANIFEST_FILES} manifests per run`);
        continue;
      }
      for (const n of names) add(path.join(abs, n));
    } else if (stat.isFile()) {
      add(abs);
    } else {
      refuse(abs, `path is ${fileKind(stat)}`, "a regular file or a directory of manifests; symbolic links are not followed");
    }
  }
  return { files, errors };
}

/** Sorted *.yaml and *.yml entries of a directory, or undefined when there are more than the limit. */
function manifestNames(dir: string): string[] | undefined {
  const names: string[] = [];
  const d = fs.opendirSync(dir);
  try {
    for (let e = d.readSync(); e !== null; e = d.readSync()) {
      if (!MANIFEST_NAME.test(e.name)) continue;
      if (names.length >= MAX_MANIFEST_FILES) return undefined;
      names.push(e.name);
    }
  } finally {
    d.closeSync();
  }
  return names.sort();
}
