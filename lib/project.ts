import * as fs from "fs";
import * as path from "path";
import { meshOf, type Mesh } from "./compile/model";
import { formatError, readManifestFiles, validateMesh } from "./manifest";

/** Where the shared pipeline module lives in the project; every .py file in it is uploaded with each pipeline. */
export const PIPELINE_CODE_DIR = "notebooks/pipelines";

/** The pipeline module's files, relative to the project root, sorted (what compileDomain takes as code). */
export function pipelineCodeFiles(root: string): string[] {
  return fs
    .readdirSync(path.join(root, PIPELINE_CODE_DIR))
    .filter((f) => f.endsWith(".py"))
    .sort()
    .map((f) => `${PIPELINE_CODE_DIR}/${f}`);
}

/** Raised when the project's manifests do not validate; the message lists every error as file:line:col. */
export class MeshLoadError extends Error {}

/** Every manifest of the project's domains/ folder, validated together, as the mesh the planners take. */
export function loadProjectMesh(root: string): Mesh {
  const { files, errors: unreadable } = readManifestFiles([path.join(root, "domains")], root);
  const validation = validateMesh(files);
  const errors = [...unreadable, ...validation.errors];
  if (errors.length > 0) throw new MeshLoadError(`${errors.length} manifest error(s):\n${errors.map(formatError).join("\n")}`);
  return meshOf(validation.manifests);
}
