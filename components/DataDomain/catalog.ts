import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import type { DomainSpec } from "../../lib/compile";
import { keep, toGrants } from "../options";

/** The domain's schema and its one authoritative Grants. */
export function createCatalog(spec: DomainSpec, catalog: pulumi.Input<string>, parent: pulumi.Resource): { schema: databricks.Schema; grants: databricks.Grants } {
  const schema = new databricks.Schema(
    spec.schema.resourceName,
    { catalogName: catalog, name: spec.schema.name, comment: spec.schema.comment, properties: { ...spec.schema.properties } },
    // forceDestroy stays off: dropping a schema with tables is never a side effect of a deploy.
    keep(parent, spec.protect),
  );
  const grants = new databricks.Grants(
    spec.schemaGrants.resourceName,
    { schema: schema.id, grants: toGrants(spec.schemaGrants.grants) },
    { parent },
  );
  return { schema, grants };
}
