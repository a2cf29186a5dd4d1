// Which stacks a change touches. Each stack's plan is a function of what lakemesh compiles for it, so a stack is
// affected exactly when its compiled inputs differ between the base and the change: no guessing from file names,
// except for the code and config every plan is built with.
import { compileIdentities } from "../access/identities";
import type { DomainManifest } from "../manifest";
import { sha256 } from "./contract";
import { compileDomain, renderDomainArtifacts } from "./domain";
import { compileGdprJobs, gdprPipelines } from "./gdpr-jobs";
import { compileRegistry } from "./governance";
import { stableJson } from "./json";
import { meshOf } from "./model";
import { compilePlatform } from "./platform";
import { meshPlatformNames } from "./masks";
import { domainStackName, platformStackName } from "./platform-outputs";
import type { Settings } from "./settings";

export interface AffectedStack {
  readonly stack: string;
  readonly reasons: readonly string[];
}

const digest = (v: unknown) => sha256(stableJson(v));

/** What each stack of the environment is compiled from, hashed: `<env>-platform` and one per domain. */
export function stackFingerprints(s: Settings, manifests: readonly DomainManifest[], code: readonly string[]): Map<string, string> {
  const mesh = meshOf(manifests);
  const names = meshPlatformNames(s.catalog, mesh);
  const domains = new Map<string, string>();
  const contracts = [];
  for (const d of mesh.domains) {
    const spec = compileDomain(s, mesh, d, code);
    // The warehouse id and GMS URL come from the platform stack at deploy time; they do not depend on the change.
    const a = renderDomainArtifacts(s, spec, d, names, { warehouseId: "(platform)", gmsUrl: "(platform)" });
    contracts.push(a.contract);
    // A domain stack also lists what it relies on from the platform and its producers (its prerequisites).
    const identities = compileIdentities({ ...s, mode: "domain", domain: d.metadata.name }, mesh);
    domains.set(domainStackName(s.env, d.metadata.name), digest({ manifest: d, spec, contract: a.contractJson, sql: a.governanceSql, recipe: a.datahubRecipe, identities }));
  }
  const identities = compileIdentities({ ...s, mode: "platform", domain: undefined }, mesh);
  const platform = digest({ platform: compilePlatform(s, mesh), gdpr: compileGdprJobs(s, gdprPipelines(s, mesh.domains)), registry: compileRegistry(contracts), identities });
  return new Map([[platformStackName(s.env), platform], ...domains]);
}

/** Files whose change touches every stack of an environment, or every domain stack, or the platform. */
const EVERY_STACK = [/^lib\//, /^components\//, /^cli\//, /^program\.ts$/, /^index\.ts$/, /^Pulumi\.yaml$/, /^package(-lock)?\.json$/, /^policies\//];
const EVERY_DOMAIN = [/^notebooks\/pipelines\//];
const PLATFORM = [/^sql\//, /^notebooks\/gdpr\//];

/**
 * Stacks of `s.env` that a change touches: those whose compiled inputs differ between the base and the head mesh,
 * plus every stack built from a changed shared file. The single stack `<env>` is listed when anything is.
 */
export function affectedStacks(
  s: Settings,
  base: readonly DomainManifest[] | undefined,
  head: readonly DomainManifest[],
  code: readonly string[],
  changedFiles: readonly string[],
): AffectedStack[] {
  const reasons = new Map<string, string[]>();
  const add = (stack: string, why: string) => reasons.set(stack, [...(reasons.get(stack) ?? []), why]);
  const after = stackFingerprints(s, head, code);
  const before = base ? stackFingerprints(s, base, code) : new Map<string, string>();
  for (const [stack, fp] of after) {
    if (!before.has(stack)) add(stack, base ? "new domain" : "base manifests unreadable or invalid");
    else if (before.get(stack) !== fp) add(stack, stack === platformStackName(s.env) ? "compiled platform changed" : "compiled domain changed");
  }
  for (const stack of before.keys()) if (!after.has(stack)) add(stack, "domain removed (its stack can be destroyed; data stores are retained in protected stacks)");
  const domainStacks = [...after.keys()].filter((k) => k !== platformStackName(s.env));
  const envFile = new RegExp(`^Pulumi\\.${s.env}(-[a-z0-9-]+)?\\.yaml$`);
  const summary = (what: string, files: string[]) => `${what} changed: ${files.slice(0, 3).join(", ")}${files.length > 3 ? ` and ${files.length - 3} more` : ""}`;
  const shared = changedFiles.filter((f) => EVERY_STACK.some((re) => re.test(f)) || envFile.test(f));
  const moduleFiles = changedFiles.filter((f) => EVERY_DOMAIN.some((re) => re.test(f)));
  const platformFiles = changedFiles.filter((f) => PLATFORM.some((re) => re.test(f)));
  if (shared.length > 0) for (const k of after.keys()) add(k, summary("code or stack config", shared));
  if (moduleFiles.length > 0) for (const k of domainStacks) add(k, summary("pipeline module", moduleFiles));
  if (platformFiles.length > 0) add(platformStackName(s.env), summary("platform SQL or jobs", platformFiles));
  const out = [...reasons.entries()].map(([stack, r]) => ({ stack, reasons: [...new Set(r)] })).sort((a, b) => (a.stack < b.stack ? -1 : 1));
  return out.length > 0 ? [{ stack: s.env, reasons: ["single-stack layout: holds every affected stack"] }, ...out] : [];
}
