import * as databricks from "@pulumi/databricks";
import type * as pulumi from "@pulumi/pulumi";
import { accessControl, type FolderSpec } from "../lib/compile";

/** A workspace folder and its one authoritative ACL. Files go into it only once the ACL is set (depend on `ready`). */
export function createFolder(f: FolderSpec, parent: pulumi.Resource, dependsOn: pulumi.Resource[] = []): { directory: databricks.Directory; ready: databricks.Permissions } {
  const directory = new databricks.Directory(f.resourceName, { path: f.path }, { parent, dependsOn });
  const ready = new databricks.Permissions(
    `${f.resourceName}-permissions`,
    // The path as a plain value (not directory.path), so the policy pack can read it in a preview too.
    { directoryPath: f.path, accessControls: f.access.map((a) => ({ ...accessControl(a.principal), permissionLevel: a.level })) },
    { parent, dependsOn: [directory] },
  );
  return { directory, ready };
}
