import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { readStackConfig, withDomainPrincipals } from "../../cli/plan/stack-config";
import { runOfflinePlan } from "../../cli/plan/run";
import type { PlannedResource } from "../../cli/plan/record";
import { runPolicies, type Policy, type PolicyPackConfig } from "../../policies/harness";
import { allRules } from "../../policies/rules";
import { FIXTURES } from "./manifests";
import { FIXTURE_PRINCIPALS, ROOT } from "./settings";

/** A project whose domains are the alpha/beta fixture mesh, with the shipped stack files (and the fixture domains' principals). */
export function fixtureProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-fixture-"));
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const f of ["Pulumi.dev.yaml", "Pulumi.prod.yaml"]) fs.writeFileSync(path.join(dir, f), withDomainPrincipals(fs.readFileSync(path.join(ROOT, f), "utf8"), FIXTURE_PRINCIPALS));
  fs.cpSync(path.join(FIXTURES, "mesh"), path.join(dir, "domains"), { recursive: true });
  fs.cpSync(path.join(ROOT, "notebooks"), path.join(dir, "notebooks"), { recursive: true });
  return dir;
}

/** The project the baseline was planned in: its manifests are where violations point. */
let baselineRoot: string | undefined;

/** The compliant baseline: the real program's prod plan of the fixture mesh. */
export async function baselineResources(): Promise<PlannedResource[]> {
  const dir = fixtureProject();
  const plan = await runOfflinePlan(dir, readStackConfig(dir, "prod"));
  baselineRoot = dir;
  return [...plan.resources];
}

/** Runs one policy over resources, as lakemesh plan does (secretness visible). Returns "message @ resource name". */
export function violations(policy: Policy, resources: readonly PlannedResource[], config: PolicyPackConfig = {}): string[] {
  const base: PolicyPackConfig = policy.name === "lm-secrets-not-plaintext" ? { [policy.name]: { secretsVisible: true, ...((config[policy.name] as object) ?? {}) } } : config;
  const names = new Map(resources.map((r) => [r.urn, r.name]));
  return runPolicies(resources, base, [policy], baselineRoot).map((v) => `${v.message} @ ${v.urn ? names.get(v.urn) ?? v.urn : "(stack)"}`);
}

/**
 * A deep copy of the resources with one change applied to the first resource matching `find`. A component registers
 * the inputs policies read as outputs too (stack rules read those under the engine, resource rules the inputs), so an
 * edited input that the component also registered unchanged is carried into its outputs, as a manifest change would.
 */
export function change(resources: readonly PlannedResource[], find: (r: PlannedResource) => boolean, edit: (r: PlannedResource & { inputs: any }) => void): PlannedResource[] {
  const copy = structuredClone(resources) as (PlannedResource & { inputs: any; outputs?: Record<string, unknown> })[];
  const target = copy.find(find);
  if (!target) throw new Error("the change matches no resource");
  const before = structuredClone(target);
  edit(target);
  if (before.outputs && target.outputs) {
    for (const k of new Set([...Object.keys(before.inputs), ...Object.keys(target.inputs)])) {
      if (!(k in before.outputs) || !isDeepStrictEqual(before.inputs[k], before.outputs[k])) continue;
      if (k in target.inputs) target.outputs[k] = structuredClone(target.inputs[k]);
      else delete target.outputs[k];
    }
  }
  return copy;
}

export const ofType = (type: string, name?: string) => (r: PlannedResource) => r.type === type && (name === undefined || r.name === name);

/**
 * What `policy` leaves to the update over these resources: lm-checked-at-update's entries after it, as
 * "<what>; checked at update @ resource name".
 */
export function deferrals(policy: Policy, resources: readonly PlannedResource[], config: PolicyPackConfig = {}): string[] {
  const lister = allRules.find((r) => r.name === "lm-checked-at-update")!;
  const names = new Map(resources.map((r) => [r.urn, r.name]));
  return runPolicies(resources, config, [policy, lister])
    .filter((v) => v.policy === lister.name)
    .map((v) => `${v.message.replace(`${policy.name}: `, "")} @ ${v.urn ? names.get(v.urn) ?? v.urn : "(stack)"}`);
}

/** Marks an input unknown at preview, as `lakemesh plan --preview` records it. */
export const UNKNOWN_IN_PLAN = "@unknown";
