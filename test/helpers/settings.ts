import * as path from "path";
import { readStackConfig } from "../../cli/plan/stack-config";
import { meshOf, type Mesh, type Settings } from "../../lib/compile";
import { readManifestFiles, validateMesh } from "../../lib/manifest";
import { baselineMesh } from "./manifests";

export const ROOT = path.join(__dirname, "..", "..");

/** Settings of a shipped stack file (dev or prod). */
export function stackSettings(stack: "dev" | "prod"): Settings {
  return readStackConfig(ROOT, stack).settings;
}

/** The shipped mesh (domains/). */
export function shippedMesh(): Mesh {
  const { files } = readManifestFiles(["domains"], ROOT);
  const v = validateMesh(files);
  if (v.errors.length > 0) throw new Error("shipped manifests are invalid");
  return meshOf(v.manifests);
}

/** The alpha/beta fixture mesh. */
export function fixtureMesh(): Mesh {
  const v = validateMesh(baselineMesh());
  if (v.errors.length > 0) throw new Error("fixture mesh is invalid");
  return meshOf(v.manifests);
}
