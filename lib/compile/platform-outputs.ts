import { stableJson } from "./json";
import { governanceNames, pipelinesGroup } from "./naming";
import { platformNames } from "./platform-names";
import type { PersonaName, Settings } from "./settings";

/** What the platform stack exports and every domain stack reads through a StackReference. */
export interface PlatformOutputs {
  readonly catalog: string;
  readonly tenantFilter: string;
  readonly tenantFilterHeld: string;
  /** `catalog.governance.mask_<key>` by mask key (lib/compile/masks.ts): the masks the platform declares. */
  readonly masks: Readonly<Record<string, string>>;
  readonly erasureSuppression: string;
  readonly registryTable: string;
  readonly warehouseId: string;
  readonly gmsUrl: string;
  readonly principals: { readonly personas: Readonly<Record<PersonaName, string>>; readonly pipelinesGroup: string };
}

export const PLATFORM_OUTPUT_KEYS: readonly (keyof PlatformOutputs)[] = [
  "catalog",
  "tenantFilter",
  "tenantFilterHeld",
  "masks",
  "erasureSuppression",
  "registryTable",
  "warehouseId",
  "gmsUrl",
  "principals",
];

/**
 * The platform's outputs, from its settings, the keys of the masks it declares (maskSpecs of its mesh) and the one
 * id only a deployment knows (the warehouse's).
 */
export function platformOutputs(s: Settings, warehouseId: string, maskKeys?: readonly string[]): PlatformOutputs {
  const n = platformNames(s.catalog, maskKeys);
  return {
    catalog: s.catalog,
    tenantFilter: n.tenantFilter,
    tenantFilterHeld: n.tenantFilterHeld,
    masks: n.masks,
    erasureSuppression: n.erasureSuppression,
    registryTable: governanceNames(s.catalog).gdprRegistry,
    warehouseId,
    gmsUrl: s.datahub.gmsUrl,
    principals: { personas: { ...s.personas }, pipelinesGroup: pipelinesGroup(s) },
  };
}

/**
 * Why a platform stack's output cannot be used by a domain stack with settings `s`, or undefined when it is the one
 * `s` implies. Everything the platform exports but the warehouse id follows from the environment's settings (which
 * every stack of the environment repeats), so a domain stack checks each output it reads against its own settings:
 * a platform stack that names another catalog's row filter or masks (a wrong, or another organisation's, stack) is
 * refused instead of being declared on the domain's tables.
 */
export function platformOutputMismatch(s: Settings, key: keyof PlatformOutputs, value: unknown, maskKeys?: readonly string[]): string | undefined {
  if (key === "warehouseId") return undefined;
  const shown = (v: unknown) => (JSON.stringify(v) ?? "undefined").slice(0, 200);
  if (key === "masks") {
    // The platform declares a mask per (category, type) of the mesh it was deployed with, so it may hold more than
    // this stack's mesh needs; every one must still be the stack's own catalog's function, and none it needs missing.
    const got = value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
    const own = platformNames(s.catalog, Object.keys(got)).masks;
    const foreign = Object.keys(got).filter((k) => got[k] !== own[k]);
    if (foreign.length > 0) return `output "masks" names ${foreign.map((k) => `${k}: ${shown(got[k])}`).join(", ")}, not the functions of lakemesh:catalog ${JSON.stringify(s.catalog)}'s governance schema; a domain stack takes its catalog, row filter and masks only from its own environment's platform`;
    const missing = (maskKeys ?? Object.keys(platformNames(s.catalog).masks)).filter((k) => !(k in got));
    if (missing.length > 0) return `output "masks" lacks ${missing.map((k) => `mask_${k}`).join(", ")}; deploy the platform stack with these manifests first (it declares one mask per category and numeric type of its mesh)`;
    return undefined;
  }
  const expected = platformOutputs(s, "")[key];
  if (stableJson(value) === stableJson(expected)) return undefined;
  return `output "${key}" is ${shown(value)}, not ${shown(expected)} as lakemesh:catalog ${JSON.stringify(s.catalog)} and the environment's settings name it; a domain stack takes its catalog, row filter and masks only from its own environment's platform`;
}

/** Stack-name convention: `<env>-platform` holds the platform, `<env>-<domain>` one domain, `<env>` everything. */
export function platformStackName(env: string): string {
  return `${env}-platform`;
}
export function domainStackName(env: string, domain: string): string {
  return `${env}-${domain}`;
}
