import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import type { DomainSpec } from "../../lib/compile";

/** The domain's schema and its one authoritative Grants. */
export function createCatalog(spec: DomainSpec, catalog: pulumi.Input<string>, parent: pulumi.Resource): { schema: databricks.Schema; grants: databricks.Grants } {
  const schema = new databricks.Schema(
    spec.schema.resourceName,
    { catalogName: catalog, name: spec.schema.name, comment: spec.schema.comment, properties: { ...spec.schema.properties } },
    // forceDestroy stays off: dropping a schema with tables is never a side effect of a deploy.
    { parent, protect: spec.protect, retainOnDelete: spec.protect },
  );
  const grants = new databricks.Grants(
    spec.schemaGrants.resourceName,
    { schema: schema.id, grants: spec.schemaGrants.grants.map((g) => ({ principal: g.principal, privileges: [...g.privileges] })) },
    { parent },
  );
  return { schema, grants };
}
