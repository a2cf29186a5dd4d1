// What several commands read before they start: an environment's stack settings and the valid mesh. Failures are
// thrown as plain errors, which main() prints as `lakemesh <command>: <message>` with exit status 1.
import * as path from "path";
import type { Settings } from "../lib/compile";
import { readManifestFiles, validateMesh, type DomainManifest } from "../lib/manifest";

/** The settings of Pulumi.<env>.yaml (loaded lazily: the stack reader pulls in the Pulumi SDK's config types). */
export async function envSettings(root: string, env: string): Promise<Settings> {
  const { readStackConfig } = await import("./plan/stack-config");
  return readStackConfig(root, env).settings;
}

/** Every manifest of domains/, which must validate. */
export function validMesh(root: string): DomainManifest[] {
  const read = readManifestFiles([path.join(root, "domains")], root);
  const v = validateMesh(read.files);
  if (read.errors.length + v.errors.length > 0) throw new Error("the manifests are invalid; run lakemesh validate");
  return v.manifests.map((m) => m.manifest);
}
