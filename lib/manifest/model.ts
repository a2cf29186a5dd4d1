import type { Column, Dataset, DatasetRef, DomainManifest, Owner, PersonalData } from "./types.gen";

/** Tenant key column when a dataset does not name one. */
export const DEFAULT_TENANT_KEY = "tenant_id";
/** Dataset names with this prefix are reserved for the generated raw (bronze) tables. */
export const RESERVED_DATASET_PREFIX = "bronze_";

export function isTenantScoped(ds: Dataset): boolean {
  return ds.tenantScoped !== false;
}

/** The tenant key column of a tenant-scoped dataset, else undefined. */
export function tenantKeyOf(ds: Dataset): string | undefined {
  return isTenantScoped(ds) ? ds.tenantKey ?? DEFAULT_TENANT_KEY : undefined;
}

/** A column marked as personal data: personalData is its classification (not `false`, not absent). */
export type PersonalColumn = Column & { readonly personalData: PersonalData };

export function isPersonal(c: Column): c is PersonalColumn {
  return typeof c.personalData === "object" && c.personalData !== null;
}

export function personalColumns(ds: Dataset): PersonalColumn[] {
  return ds.columns.filter(isPersonal);
}

/** The primary-key columns of a dataset, in column order. */
export function primaryKeyColumns(ds: Dataset): string[] {
  return ds.columns.filter((c) => c.primaryKey === true).map((c) => c.name);
}

export function findColumn(ds: Dataset, name: string): Column | undefined {
  return ds.columns.find((c) => c.name === name);
}

export function effectiveOwner(domain: DomainManifest, ds: Dataset): Owner {
  return ds.owner ?? domain.metadata.owner;
}

/** The domain that owns a referenced dataset. */
export function refDomain(owner: DomainManifest, ref: DatasetRef): string {
  return ref.domain ?? owner.metadata.name;
}

export function pipelineMode(domain: DomainManifest): "triggered" | "continuous" {
  return domain.spec.pipeline?.mode ?? "triggered";
}
