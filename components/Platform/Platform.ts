import type * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { compileGdprJobs, compileGovernanceObjects, governanceNames, compileRegistryRows, platformOutputs, type PlatformOutputs, type PlatformSpec, type RegistryRow, type Settings } from "../../lib/compile";
import type { PlatformRefs } from "../DataDomain";
import { TYPES } from "../types";
import { createFolder } from "../folder";
import { createGovernedTags, createMemberships } from "./account";
import { createCatalog } from "./catalog";
import { createDatahub, type DatahubSecrets } from "./datahub";
import { Gdpr } from "./gdpr";
import { createGovernanceObjects, createSaltFingerprintRow } from "./governance";
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
  /** Salt of subject hashes (secret config lakemesh:subjectHashSalt), stored in the GDPR secret scope. */
  readonly subjectSalt: pulumi.Input<string>;
  /** Project folder the GDPR notebooks are read from. */
  readonly root: string;
  /** The account-level Databricks provider, through which workload principals join account groups. */
  readonly accountProvider: databricks.Provider;
}

/**
 * The shared platform of a stack: KMS-encrypted S3 storage and its Unity Catalog credential and locations, the
 * isolated catalog, the governance schema with the tenant row filter, masks and GDPR tables, the SQL warehouse,
 * the GDPR jobs (subject access, erasure, retention), the DataHub server, the workload principals' group
 * memberships, and, in the stack that owns the account's objects, the governed tags.
 */
export class Platform extends pulumi.ComponentResource {
  /** What every DataDomain needs from the platform. */
  public readonly refs: PlatformRefs;
  /** The platform stack's exports, read by domain stacks (PLATFORM_OUTPUT_KEYS). */
  public readonly outputs: { readonly [K in keyof PlatformOutputs]: pulumi.Output<PlatformOutputs[K]> };
  /** Ids of the GDPR jobs, by kind (subject-access, erasure, retention). */
  public readonly gdprJobIds: Record<string, pulumi.Output<string>>;
  /**
   * The external id Unity Catalog presents when it assumes the storage role: the role's trust policy must require it
   * (set by lakemesh; with storage managed elsewhere, by whoever manages the role).
   */
  public readonly storageCredentialExternalId: pulumi.Output<string>;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPES.Platform, name, { spec: args.spec, env: args.settings.env }, opts);
    const { spec, settings } = args;
    const folder = createFolder(spec.folder, this);
    const storage = createStorage(settings, spec, this);
    const catalog = createCatalog(settings, spec, storage, this);
    createGovernedTags(spec, this);
    const memberships = createMemberships(spec, args.accountProvider, this);
    const objects = [...compileGovernanceObjects(settings, spec.masks), compileRegistryRows(settings, args.registry)];
    const governed = createGovernanceObjects(settings, spec, objects, catalog, this);
    // The salt's fingerprint: pipelines and GDPR jobs stop when the salt they read does not match it.
    const fingerprint = createSaltFingerprintRow(settings, args.subjectSalt, governed[governanceNames(settings.catalog).saltFingerprint], catalog, this);
    const sql = { ...governed, [`${governanceNames(settings.catalog).saltFingerprint}#rows`]: fingerprint };
    const gdpr = new Gdpr(
      "gdpr",
      { spec: compileGdprJobs(settings, spec.gdprPipelines), subjectSalt: args.subjectSalt, protect: spec.protect, root: args.root, dependsOn: [...Object.values(sql), catalog.gdprVolume, ...memberships], folderDependsOn: [folder.ready] },
      { parent: this },
    );
    createDatahub(settings, args.datahubSecrets, this);

    // Domains depend on the objects, not just their names: the catalog and functions must exist before any pipeline.
    const catalogReady = pulumi.all([catalog.catalog.name, ...Object.values(sql).map((o) => o.id)]).apply(([c]) => c);
    const values = pulumi.all([catalogReady, catalog.warehouse.id]).apply(([_c, warehouseId]) => platformOutputs(settings, warehouseId, spec.masks.map((m) => m.key)));
    this.outputs = {
      catalog: catalogReady,
      tenantFilter: values.tenantFilter,
      tenantFilterHeld: values.tenantFilterHeld,
      masks: values.masks,
      erasureSuppression: values.erasureSuppression,
      registryTable: values.registryTable,
      warehouseId: values.warehouseId,
      gmsUrl: values.gmsUrl,
      principals: values.principals,
    };
    this.gdprJobIds = gdpr.jobIds;
    this.storageCredentialExternalId = storage.credential.awsIamRole.apply((r) => r?.externalId ?? "");
    this.refs = {
      catalog: this.outputs.catalog,
      tenantFilter: this.outputs.tenantFilter,
      tenantFilterHeld: this.outputs.tenantFilterHeld,
      masks: this.outputs.masks,
      erasureSuppression: this.outputs.erasureSuppression,
      warehouseId: this.outputs.warehouseId,
      datahubGmsUrl: this.outputs.gmsUrl,
    };
    this.registerOutputs({ ...this.outputs, gdprJobIds: this.gdprJobIds, storageCredentialExternalId: this.storageCredentialExternalId });
  }
}
