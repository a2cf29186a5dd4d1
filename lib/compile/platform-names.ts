import { schemaEnum, type PersonalData } from "../manifest";
import { governanceNames } from "./naming";

export type Category = PersonalData["category"];
export const CATEGORIES: readonly Category[] = schemaEnum<Category>("PersonalData", "category");

/** The platform names a domain's contract and SQL refer to. Plain strings: the platform stack owns them. */
export interface PlatformNames {
  readonly catalog: string;
  readonly tenantFilter: string;
  /** The row filter of the tables of datasets under a legal hold. */
  readonly tenantFilterHeld: string;
  /** `catalog.governance.mask_<key>` by mask key (lib/compile/masks.ts maskKey): the masks the platform declares. */
  readonly masks: Readonly<Record<string, string>>;
  readonly erasureSuppression: string;
}

/**
 * Platform names as the platform creates them in `catalog`. `maskKeys` are the masks it declares (maskSpecs of its
 * mesh); by default each category's text mask only.
 */
export function platformNames(catalog: string, maskKeys: readonly string[] = CATEGORIES): PlatformNames {
  const g = governanceNames(catalog);
  return {
    catalog,
    tenantFilter: g.tenantFilter,
    tenantFilterHeld: g.tenantFilterHeld,
    masks: Object.fromEntries(maskKeys.map((k) => [k, g.mask(k)])),
    erasureSuppression: g.erasureSuppression,
  };
}
