import { stableJson } from "./json";
import { governanceNames, pipelinesGroup } from "./naming";
import { platformNames, type Category } from "./platform-names";
import type { PersonaName, Settings } from "./settings";

/** What the platform stack exports and every domain stack reads through a StackReference. */
export interface PlatformOutputs {
  readonly catalog: string;
  readonly tenantFilter: string;
  readonly masks: Readonly<Record<Category, string>>;
  readonly erasureSuppression: string;
  readonly registryTable: string;
  readonly warehouseId: string;
  readonly gmsUrl: string;
  readonly principals: { readonly personas: Readonly<Record<PersonaName, string>>; readonly pipelinesGroup: string };
}

export const PLATFORM_OUTPUT_KEYS: readonly (keyof PlatformOutputs)[] = [
  "catalog",
  "tenantFilter",
  "masks",
  "erasureSuppression",
  "registryTable",
  "warehouseId",
  "gmsUrl",
  "principals",
];

/** The platform's outputs, from its settings and the one id only a deployment knows (the warehouse's). */
export function platformOutputs(s: Settings, warehouseId: string): PlatformOutputs {
  const n = platformNames(s.catalog);
  return {
    catalog: s.catalog,
    tenantFilter: n.tenantFilter,
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
export function platformOutputMismatch(s: Settings, key: keyof PlatformOutputs, value: unknown): string | undefined {
  if (key === "warehouseId") return undefined;
  const expected = platformOutputs(s, "")[key];
  if (stableJson(value) === stableJson(expected)) return undefined;
  const shown = (v: unknown) => (JSON.stringify(v) ?? "undefined").slice(0, 200);
  return `output "${key}" is ${shown(value)}, not ${shown(expected)} as lakemesh:catalog ${JSON.stringify(s.catalog)} and the environment's settings name it; a domain stack takes its catalog, row filter and masks only from its own environment's platform`;
}

/** Stack-name convention: `<env>-platform` holds the platform, `<env>-<domain>` one domain, `<env>` everything. */
export function platformStackName(env: string): string {
  return `${env}-platform`;
}
export function domainStackName(env: string, domain: string): string {
  return `${env}-${domain}`;
}
