import * as fs from "fs";
import * as path from "path";
import { stackManifestErrors } from "./compile/limits";
import { meshOf, type Mesh } from "./compile/model";
import type { Settings } from "./compile/settings";
import { formatError, readManifestFiles, sortErrors, validateMesh } from "./manifest";

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

/**
 * Every manifest of the project's domains/ folder, validated together, as the mesh the planners take; with a stack's
 * settings, also the stack's own checks (its limits and principal names).
 */
export function loadProjectMesh(root: string, settings?: Settings): Mesh {
  return loadProjectMeshWithFiles(root, settings).mesh;
}

/** The mesh with each domain's manifest file (project-relative), for errors and violations that name file:line:col. */
export function loadProjectMeshWithFiles(root: string, settings?: Settings): { mesh: Mesh; files: ReadonlyMap<string, string> } {
  const { files, errors: unreadable } = readManifestFiles([path.join(root, "domains")], root);
  const validation = validateMesh(files);
  const errors = sortErrors([...unreadable, ...validation.errors, ...(settings ? stackManifestErrors(settings, validation.manifests) : [])]);
  if (errors.length > 0) throw new MeshLoadError(`${errors.length} manifest error(s):\n${errors.map(formatError).join("\n")}`);
  return { mesh: meshOf(validation.manifests), files: new Map(validation.manifests.map((m) => [m.manifest.metadata.name, m.file])) };
}
