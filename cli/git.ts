// Reading another revision of the repository without checking it out: `git show <rev>:<path>` and
// `git ls-tree`. Shared by the commands that compare the working tree with a base (affected, diff, plan --base).
import { execFileSync } from "child_process";
import { readManifestFiles, validateMesh, type DomainManifest, type ManifestFile, type MeshValidation } from "../lib/manifest";
import { printable } from "../lib/text";
import { UsageError } from "./usage";

export function git(root: string, args: string[]): string {
  return execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 });
}

/** Refuses a ref that is not a commit of the repository (a usage error: exit 2). */
export function verifyCommit(root: string, ref: string, option = "--base"): void {
  // A ref that starts with '-' would reach git as an option (git diff --output=<file> writes a file).
  if (ref.startsWith("-")) throw new UsageError(`${option} ${printable(JSON.stringify(ref))}: a git ref does not start with '-'`);
  try {
    git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new UsageError(`${option} ${printable(ref)}: not a commit of the repository in ${printable(root)}`);
  }
}

/** The manifest files of domains/ at a revision; none when the revision has no domains/ folder. */
export function manifestFilesAt(root: string, ref: string): ManifestFile[] {
  let names: string[];
  try {
    names = git(root, ["ls-tree", "--name-only", `${ref}:domains`]).split("\n");
  } catch {
    return [];
  }
  return names.filter((n) => /\.ya?ml$/.test(n)).map((n) => ({ file: `domains/${n}`, text: git(root, ["show", `${ref}:domains/${n}`]) }));
}

/** A revision's manifests, validated: those that passed the schema, and every error. */
export interface Revision {
  readonly label: string;
  readonly validation: MeshValidation;
  readonly manifests: readonly DomainManifest[];
}

function revision(label: string, files: readonly ManifestFile[]): Revision {
  const validation = validateMesh(files);
  return { label, validation, manifests: validation.manifests.map((m) => m.manifest) };
}

/** domains/ at a git revision. */
export function revisionAt(root: string, ref: string): Revision {
  return revision(ref, manifestFilesAt(root, ref));
}

/** domains/ in the working tree. */
export function workingTree(root: string): Revision {
  const read = readManifestFiles(["domains"], root);
  const r = revision("working tree", read.files);
  return { ...r, validation: { ...r.validation, errors: [...read.errors, ...r.validation.errors] } };
}
