import * as fs from "fs";
import * as path from "path";
import { formatError, ManifestFile, validateMesh } from "../../lib/manifest";

export const FIXTURES = path.join(__dirname, "..", "fixtures");

/** The baseline mesh: a producer (alpha) and a consumer (beta) that validate clean. */
export function baselineMesh(): ManifestFile[] {
  const dir = path.join(FIXTURES, "mesh");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ file: `mesh/${f}`, text: fs.readFileSync(path.join(dir, f), "utf8") }));
}

/** One textual change to one baseline file. `from` must occur exactly once, so a stale test fails loudly. */
export interface Change {
  readonly file: "alpha.yaml" | "beta.yaml";
  readonly from: string;
  readonly to: string;
}

export function applyChanges(files: ManifestFile[], changes: readonly Change[]): ManifestFile[] {
  return files.map((f) => {
    let text = f.text;
    for (const c of changes.filter((c) => f.file === `mesh/${c.file}`)) {
      const count = text.split(c.from).length - 1;
      if (count !== 1) throw new Error(`change target occurs ${count} times in ${c.file}: ${JSON.stringify(c.from)}`);
      text = text.replace(c.from, () => c.to); // a function: `$'` and friends in `to` stay literal
    }
    return { ...f, text };
  });
}

/** Formatted errors of the baseline mesh after the changes. */
export function errorsAfter(...changes: Change[]): string[] {
  return validateMesh(applyChanges(baselineMesh(), changes)).errors.map(formatError);
}

export function rulesAfter(...changes: Change[]): string[] {
  return validateMesh(applyChanges(baselineMesh(), changes)).errors.map((e) => e.rule);
}
