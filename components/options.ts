import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { GrantSpec } from "../lib/compile";

/** Resource options for data-bearing resources: protected and kept on delete when the stack says so. */
export const keep = (parent: pulumi.Resource, protect: boolean, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions => ({
  parent,
  protect,
  retainOnDelete: protect,
  ...extra,
});

/** Grant specs as the `grants` input of an authoritative databricks.Grants. */
export const toGrants = (g: readonly GrantSpec[]) => g.map((x) => ({ principal: x.principal, privileges: [...x.privileges] }));

/**
 * A project file's content, base64, for a WorkspaceFile or Notebook. Read here rather than handed to the provider as
 * `source`: the provider resolves a relative `source` against its own working directory (under `pulumi up` that is
 * dist/, where the program runs), and an absolute one would put a machine path in the state.
 */
export const projectFileBase64 = (root: string, source: string) => fs.readFileSync(path.join(root, source)).toString("base64");

/**
 * An account lookup (a provider invoke) made only at update; at preview its id is unknown, as a resource's computed id
 * is before it exists. The lookups call the Databricks account API, and a preview must run without it: `lakemesh
 * preview` and CI have no network and dummy credentials. What a membership means (group name, member application id)
 * is in its inputs at preview, which is what the access model and the policies read; the SCIM ids only at update.
 */
export function lookupAtUpdate(lookup: () => pulumi.Output<string>): pulumi.Output<string> {
  return pulumi.runtime.isDryRun() ? pulumi.output(pulumi.unknown as unknown as string) : lookup();
}
