import { schemaEnum, type PersonalData } from "../manifest";
import { governanceNames } from "./naming";

export type Category = PersonalData["category"];
export const CATEGORIES: readonly Category[] = schemaEnum<Category>("PersonalData", "category");

/** The platform names a domain's contract and SQL refer to. Plain strings: the platform stack owns them. */
export interface PlatformNames {
  readonly catalog: string;
  readonly tenantFilter: string;
  readonly masks: Readonly<Record<Category, string>>;
  readonly erasureSuppression: string;
}

/** Platform names as the platform creates them in `catalog`. */
export function platformNames(catalog: string): PlatformNames {
  const g = governanceNames(catalog);
  return {
    catalog,
    tenantFilter: g.tenantFilter,
    masks: Object.fromEntries(CATEGORIES.map((c) => [c, g.mask(c)])) as Record<Category, string>,
    erasureSuppression: g.erasureSuppression,
  };
}
