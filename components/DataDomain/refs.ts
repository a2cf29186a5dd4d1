import * as pulumi from "@pulumi/pulumi";
import type { PlatformNames } from "../../lib/compile";

/** What a domain takes from the platform: its names, and the ids only the platform's resources know. */
export interface PlatformRefs {
  /** Unity Catalog catalog of the stack. */
  readonly catalog: pulumi.Input<string>;
  /** `catalog.governance.tenant_filter`. */
  readonly tenantFilter: pulumi.Input<string>;
  /** `catalog.governance.tenant_filter_held`: the row filter of held datasets' tables. */
  readonly tenantFilterHeld: pulumi.Input<string>;
  /** `catalog.governance.mask_<key>` by mask key (lib/compile/masks.ts): every mask the platform declares. */
  readonly masks: pulumi.Input<Record<string, string>>;
  /** Table of salted subject hashes that ingest drops. */
  readonly erasureSuppression: pulumi.Input<string>;
  /** SQL warehouse that runs the domain's governance SQL and DataHub's queries. */
  readonly warehouseId: pulumi.Input<string>;
  /** DataHub GMS URL the ingestion recipes send to. */
  readonly datahubGmsUrl: pulumi.Input<string>;
}

/** Resolves the name refs into the plain names the pure compiler takes. */
export function resolveNames(refs: PlatformRefs): pulumi.Output<PlatformNames & { warehouseId: string; gmsUrl: string }> {
  return pulumi
    .all([refs.catalog, refs.tenantFilter, refs.tenantFilterHeld, refs.masks, refs.erasureSuppression, refs.warehouseId, refs.datahubGmsUrl])
    .apply(([catalog, tenantFilter, tenantFilterHeld, masks, erasureSuppression, warehouseId, gmsUrl]) => ({
      catalog,
      tenantFilter,
      tenantFilterHeld,
      masks: masks as Record<string, string>,
      erasureSuppression,
      warehouseId,
      gmsUrl,
    }));
}
