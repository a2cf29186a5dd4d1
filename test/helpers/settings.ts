import * as path from "path";
import { readStackConfig } from "../../cli/plan/stack-config";
import { meshOf, type Mesh, type Settings } from "../../lib/compile";
import { readManifestFiles, validateMesh } from "../../lib/manifest";
import { baselineMesh } from "./manifests";

export const ROOT = path.join(__dirname, "..", "..");

/** Service principals of the alpha/beta fixture domains, one per domain as every stack requires. */
export const FIXTURE_PRINCIPALS = { alpha: "a1a1a1a1-0000-4000-8000-00000000a001", beta: "b2b2b2b2-0000-4000-8000-00000000b002" } as const;

/** Settings of a shipped stack file (dev or prod), with the fixture domains' principals added so the fixture mesh compiles too. */
export function stackSettings(stack: "dev" | "prod"): Settings {
  const s = readStackConfig(ROOT, stack).settings;
  return { ...s, databricks: { ...s.databricks, domainServicePrincipals: { ...s.databricks.domainServicePrincipals, ...FIXTURE_PRINCIPALS } } };
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
