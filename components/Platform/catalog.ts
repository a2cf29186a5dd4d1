import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { accessControl, type PlatformSpec, type Settings } from "../../lib/compile";
import { keep, toGrants } from "../options";
import type { Storage } from "./storage";


export interface Catalog {
  readonly catalog: databricks.Catalog;
  readonly governanceSchema: databricks.Schema;
  readonly warehouse: databricks.SqlEndpoint;
  readonly gdprVolume: databricks.Volume;
}

/** The stack's isolated catalog, the governance schema and its export volume, the warehouse and system schemas. */
export function createCatalog(s: Settings, spec: PlatformSpec, storage: Storage, parent: pulumi.Resource): Catalog {
  const catalog = new databricks.Catalog(
    "catalog",
    {
      name: spec.catalog,
      isolationMode: "ISOLATED",
      storageRoot: `s3://${spec.names.ucBucket}/catalogs/${spec.catalog}`,
      comment: `lakemesh ${s.env}: every domain's schema, and the governance schema`,
      properties: { "lakemesh.env": s.env },
      forceDestroy: false,
    },
    keep(parent, spec.protect, { dependsOn: [storage.ucLocation] }),
  );
  new databricks.Grants("catalog-grants", { catalog: catalog.name, grants: toGrants(spec.catalogGrants) }, { parent: catalog });
  const governanceSchema = new databricks.Schema(
    "governance-schema",
    { catalogName: catalog.name, name: spec.governanceSchema, comment: "lakemesh: tenant row filter, masks, GDPR registry, requests, suppression list and audit log" },
    keep(parent, spec.protect),
  );
  new databricks.Grants("governance-schema-grants", { schema: governanceSchema.id, grants: toGrants(spec.governanceSchemaGrants) }, { parent: governanceSchema });
  const gdprVolume = new databricks.Volume(
    "gdpr-exports-volume",
    { catalogName: catalog.name, schemaName: governanceSchema.name, name: spec.names.gdprVolume, volumeType: "MANAGED", comment: "lakemesh: subject access exports; GDPR officers only" },
    keep(parent, spec.protect),
  );
  new databricks.Grants(
    "gdpr-exports-volume-grants",
    {
      volume: gdprVolume.id,
      grants: toGrants([
        // The subject-access job writes exports as its own principal; officers only read them.
        { principal: s.personas.gdpr_officer, privileges: ["READ_VOLUME"] },
        { principal: s.databricks.gdprServicePrincipal, privileges: ["READ_VOLUME", "WRITE_VOLUME"] },
        { principal: s.personas.platform_admin, privileges: ["ALL_PRIVILEGES"] },
        // The serving API hands a finished subject-access export to the admin who filed it (serving/databricks/gdpr.ts).
        ...(s.serving ? [{ principal: s.personas.api_service, privileges: ["READ_VOLUME"] }] : []),
      ]),
    },
    { parent: gdprVolume },
  );

  const warehouse = new databricks.SqlEndpoint(
    "warehouse",
    {
      name: spec.names.warehouse,
      clusterSize: s.databricks.warehouseSize,
      warehouseType: "PRO",
      enableServerlessCompute: true,
      autoStopMins: 10,
      minNumClusters: 1,
      maxNumClusters: s.env === "prod" ? 4 : 1,
      tags: { customTags: [{ key: "lakemesh_env", value: s.env }] },
    },
    { parent },
  );
  // A job's SQL task runs as the job's run-as identity, which must be allowed to use the warehouse (CAN USE,
  // https://docs.databricks.com/aws/en/security/auth/access-control): the domain principals are on the list, as
  // are the personas and DataHub's principal.
  new databricks.Permissions(
    "warehouse-permissions",
    {
      sqlEndpointId: warehouse.id,
      accessControls: spec.warehouseUsers.map((p) => ({ ...accessControl(p), permissionLevel: "CAN_USE" })),
    },
    { parent: warehouse },
  );

  const system = spec.systemSchemas.map((schema) => new databricks.SystemSchema(`system-schema-${schema}`, { schema }, { parent }));
  // The system catalog is shared by every workspace of the metastore: grant per principal, never authoritatively.
  for (const g of spec.systemGrants) {
    new databricks.Grant(
      `system-grant-${g.name.replace(/\./g, "-")}`,
      { [g.securable]: g.name, principal: g.principal, privileges: [...g.privileges] },
      { parent, dependsOn: system },
    );
  }
  return { catalog, governanceSchema, warehouse, gdprVolume };
}
