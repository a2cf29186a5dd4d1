import type * as pulumi from "@pulumi/pulumi";
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
