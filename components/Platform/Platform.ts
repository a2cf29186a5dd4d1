import * as pulumi from "@pulumi/pulumi";
import { compileGovernanceObjects, compileRegistryRows, governanceNames, platformNames, type Category, type PlatformSpec, type RegistryRow, type Settings } from "../../lib/compile";
import type { PlatformRefs } from "../DataDomain";
import { TYPES } from "../types";
import { createCatalog } from "./catalog";
import { createDatahub, type DatahubSecrets } from "./datahub";
import { createAbac, createGovernanceObjects } from "./governance";
import { createStorage } from "./storage";

/** Arguments for {@link Platform}. */
export interface PlatformArgs {
  /** Compiled platform plan (lib/compile compilePlatform). */
  readonly spec: PlatformSpec;
  readonly settings: Settings;
  /** GDPR registry rows compiled from every manifest. */
  readonly registry: readonly RegistryRow[];
  /** Secret config values DataHub needs. */
  readonly datahubSecrets: DatahubSecrets;
}

/**
 * The shared platform of a stack: KMS-encrypted S3 storage and its Unity Catalog credential and locations, the
 * isolated catalog, the governance schema with the tenant row filter, masks and GDPR tables, governed tags, the SQL
 * warehouse, optional ABAC policies and the DataHub server.
 */
export class Platform extends pulumi.ComponentResource {
  /** What every DataDomain needs from the platform. */
  public readonly refs: PlatformRefs;
  public readonly catalogName: pulumi.Output<string>;
  public readonly warehouseId: pulumi.Output<string>;
  public readonly gmsUrl: pulumi.Output<string>;
  public readonly registryTable: pulumi.Output<string>;
  public readonly functionNames: pulumi.Output<{ tenantFilter: string; currentUserTenant: string; masks: Record<Category, string> }>;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPES.Platform, name, { spec: args.spec, env: args.settings.env }, opts);
    const { spec, settings } = args;
    const storage = createStorage(settings, spec, this);
    const catalog = createCatalog(settings, spec, storage, this);
    const objects = [...compileGovernanceObjects(settings), compileRegistryRows(settings, args.registry)];
    const sql = createGovernanceObjects(settings, spec, objects, catalog, this);
    createAbac(spec, catalog, Object.values(sql), this);
    const datahub = createDatahub(settings, args.datahubSecrets, this);

    const names = platformNames(spec.catalog);
    const g = governanceNames(spec.catalog);
    // Domains depend on the objects, not just their names: the catalog and functions must exist before any pipeline.
    const ready = pulumi.all([catalog.catalog.name, ...Object.values(sql).map((o) => o.id)]).apply(([c]) => c);
    this.catalogName = ready;
    this.warehouseId = catalog.warehouse.id;
    this.gmsUrl = pulumi.output(datahub.gmsUrl);
    this.registryTable = pulumi.output(g.gdprRegistry);
    this.functionNames = pulumi.output({ tenantFilter: names.tenantFilter, currentUserTenant: g.currentUserTenant, masks: { ...names.masks } });
    this.refs = {
      catalog: this.catalogName,
      tenantFilter: names.tenantFilter,
      masks: { ...names.masks },
      erasureSuppression: names.erasureSuppression,
      warehouseId: this.warehouseId,
      datahubGmsUrl: this.gmsUrl,
    };
    this.registerOutputs({ catalogName: this.catalogName, warehouseId: this.warehouseId, gmsUrl: this.gmsUrl, registryTable: this.registryTable, functionNames: this.functionNames });
  }
}
