// Runs the pack over a recorded plan the way the engine would: config defaults applied from each configSchema,
// enforcement levels from the pack config, notApplicable honoured, stack rules over every resource, and inputs unknown
// at preview (the plan's "@unknown") wrapped exactly as the engine's policy server wraps them, so a rule that reads one
// without `known` fails here as it fails under `pulumi preview`. Used by `lakemesh plan` and by the rule tests; it
// never constructs a PolicyPack (that starts a server).
import Ajv from "ajv";
import type {
  EnforcementLevel,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { accessView, isUnknownError, setManifestRoots, takeDeferred, UNKNOWN_INPUT, withUnknowns, type AccessView } from "./lib";
import { allRules } from "./rules";

/** A resource as the harness takes it (the plan recorder's shape). */
export interface HarnessResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly dependsOn: readonly string[];
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** Provider URN, without the id. */
  readonly provider: string;
  readonly inputs: Record<string, unknown>;
  /**
   * A component's registered outputs (registerOutputs). The engine gives STACK policies these in place of the
   * component's inputs; resource policies get the inputs (see {@link stackPolicyProps}).
   */
  readonly outputs?: Record<string, unknown>;
  /** Per input, the URNs of the resources its value came from (what the engine gives stack rules). */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** How a plan marks an input unknown at preview (cli/plan/record.ts). */
export const PLAN_UNKNOWN = "@unknown";

export type Policy = ResourceValidationPolicy | StackValidationPolicy;

/** The shape of `pulumi preview --policy-pack-config`: per policy, a level or an object of level and properties. */
export type PolicyPackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: "mandatory" | "advisory";
  readonly severity: string;
  readonly urn: string | undefined;
  readonly message: string;
  readonly remediation: string;
  /** The rule read an input unknown at preview without `known` and stopped: it checked nothing (a defect). */
  readonly couldNotRun?: true;
}

class NotApplicable extends Error {}
export class PolicyConfigError extends Error {}

const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false });

/** Effective level and config of one policy, defaults applied as the engine applies them. */
export function policyConfig(p: Policy, pack: PolicyPackConfig): { level: EnforcementLevel; config: Record<string, unknown> } {
  const entry = pack[p.name] ?? pack.all;
  const given = typeof entry === "string" ? { enforcementLevel: entry } : { ...(entry ?? {}) };
  const { enforcementLevel, ...props } = given;
  const schema = { type: "object", properties: p.configSchema?.properties ?? {}, required: p.configSchema?.required ?? [], additionalProperties: false };
  const config = structuredClone(props);
  const validate = ajv.compile(schema);
  if (!validate(config)) {
    throw new PolicyConfigError(`policy config of ${p.name}: ${(validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message}`).join("; ")}`);
  }
  return { level: (enforcementLevel as EnforcementLevel | undefined) ?? p.enforcementLevel ?? "advisory", config };
}

function options(r: HarnessResource): PolicyResourceOptions & { retainOnDelete: boolean } {
  return {
    protect: r.protect,
    ignoreChanges: [],
    aliases: [],
    additionalSecretOutputs: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    parent: r.parent || undefined,
    // Not part of the engine's options: only the offline plan knows it.
    retainOnDelete: r.retainOnDelete,
  };
}

function engineValue(v: unknown): unknown {
  if (v === PLAN_UNKNOWN) return UNKNOWN_INPUT;
  if (Array.isArray(v)) return v.map(engineValue);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, engineValue(x)]));
  return v;
}

/** A resource's inputs as rules see them under the engine: unknowns as its sentinel, behind its checking proxy. */
export const engineProps = (inputs: Record<string, unknown>): Record<string, any> => withUnknowns(engineValue(inputs) as Record<string, unknown>);

/**
 * What the engine hands a STACK policy (validateStack) as a resource's props: its outputs. For a component these are
 * what it registers (registerOutputs replaces its state); for a custom resource at preview the plan's inputs stand in
 * (provider-computed outputs are unknown then, the plan marks them so). A RESOURCE policy (validateResource) gets the
 * resource's inputs instead ({@link engineProps}(r.inputs)). @pulumi/policy 1.21 says so: ResourceValidationArgs.props
 * is "The inputs of the resource", PolicyResource.props (a stack policy's resources) "The outputs of the resource",
 * and its server's analyzeStack runs on "the 'outputs', after any mutations have taken place"
 * (https://www.pulumi.com/docs/reference/pkg/nodejs/pulumi/policy/ and
 * https://github.com/pulumi/pulumi-policy/blob/master/sdk/nodejs/policy/policy.ts).
 */
export const stackPolicyProps = (r: HarnessResource): Record<string, any> => engineProps(r.outputs ?? r.inputs);

/**
 * The plan's resources as the access model reads them under the engine (policies/lib.ts accessView): ids unknown at
 * preview formed from what they refer to, and the inputs that stay unknown.
 */
export function accessViewOf(resources: readonly HarnessResource[]): AccessView {
  const byUrn = new Map<string, PolicyResource>();
  for (const r of resources) byUrn.set(r.urn, { type: r.type, urn: r.urn, name: r.name, props: stackPolicyProps(r) } as PolicyResource);
  const of = (urns: readonly string[]) => urns.flatMap((u) => (byUrn.has(u) ? [byUrn.get(u)!] : []));
  for (const r of resources) {
    Object.assign(byUrn.get(r.urn)!, {
      parent: r.parent ? byUrn.get(r.parent) : undefined,
      provider: r.provider ? byUrn.get(r.provider) : undefined,
      dependencies: of(r.dependsOn),
      propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, urns]) => [k, of(urns)])),
    });
  }
  return accessView([...byUrn.values()]);
}

const typeOf = (cls: any): string | undefined => (typeof cls?.__pulumiType === "string" ? cls.__pulumiType : undefined);

/**
 * Runs every policy over the resources and returns the violations of the ones not disabled. `projectRoot` is where
 * the manifests' files are, for violations that name file:line:col (@default the working folder).
 */
export function runPolicies(resources: readonly HarnessResource[], pack: PolicyPackConfig = {}, policies: readonly Policy[] = allRules, projectRoot?: string): Violation[] {
  setManifestRoots(projectRoot ? [projectRoot] : []);
  const out: Violation[] = [];
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  // Resource rules read inputs, stack rules outputs, as the engine hands them (see stackPolicyProps).
  const inputs = new Map(resources.map((r) => [r.urn, engineProps(r.inputs)]));
  const outputs = new Map(resources.map((r) => [r.urn, stackPolicyProps(r)]));
  takeDeferred(); // a fresh run: nothing left over from an earlier one
  const stackTags = new Map<string, string>();
  for (const p of policies) {
    const { level, config } = policyConfig(p, pack);
    if (level === "disabled") continue;
    const effective = level === "advisory" ? "advisory" : "mandatory"; // remediate is reported as mandatory
    const push = (message: string, urn?: string) =>
      out.push({ policy: p.name, enforcementLevel: effective, severity: p.severity ?? "medium", urn, message, remediation: p.remediationSteps ?? "" });
    // The engine reports these as "can't run policy ... during preview" and goes on; here they fail the plan.
    const couldNotRun = (e: Error, urn?: string) =>
      out.push({ policy: p.name, enforcementLevel: "mandatory", severity: p.severity ?? "medium", urn, message: `can't run during preview: ${e.message}`, remediation: "Read inputs with known() and leave unknown ones to checkedAtUpdate() (policies/README.md, Adding a rule).", couldNotRun: true });
    const common = {
      stackTags,
      getConfig: <T extends object>() => config as T,
      notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason);
      },
    };
    if ("validateResource" in p && p.validateResource) {
      const fns = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
      for (const r of resources) {
        const provider = r.provider ? byUrn.get(r.provider) : undefined;
        const args: ResourceValidationArgs = {
          type: r.type,
          props: inputs.get(r.urn)!,
          urn: r.urn,
          name: r.name,
          opts: options(r),
          provider: provider ? { type: provider.type, props: inputs.get(provider.urn)!, urn: provider.urn, name: provider.name } : undefined,
          isType: (cls: any) => typeOf(cls) === r.type,
          asType: ((cls: any) => (typeOf(cls) === r.type ? inputs.get(r.urn) : undefined)) as ResourceValidationArgs["asType"],
          ...common,
        };
        for (const fn of fns) {
          try {
            fn(args, (message, urn) => push(message, urn ?? r.urn));
          } catch (e) {
            if (isUnknownError(e)) couldNotRun(e as Error, r.urn);
            else if (!(e instanceof NotApplicable)) throw e;
          }
        }
      }
    }
    if ("validateStack" in p && p.validateStack) {
      const policyResources = new Map<string, PolicyResource>();
      for (const r of resources) {
        policyResources.set(r.urn, {
          type: r.type,
          props: outputs.get(r.urn)!,
          urn: r.urn,
          name: r.name,
          opts: options(r),
          dependencies: [],
          propertyDependencies: {},
          isType: (cls: any) => typeOf(cls) === r.type,
          asType: ((cls: any) => (typeOf(cls) === r.type ? outputs.get(r.urn) : undefined)) as PolicyResource["asType"],
        } as PolicyResource);
      }
      for (const r of resources) {
        const pr = policyResources.get(r.urn)! as { parent?: PolicyResource; dependencies: PolicyResource[]; propertyDependencies: Record<string, PolicyResource[]>; provider?: PolicyResource };
        const of = (urns: readonly string[]) => urns.flatMap((u) => (policyResources.has(u) ? [policyResources.get(u)!] : []));
        pr.parent = r.parent ? policyResources.get(r.parent) : undefined;
        // As the engine gives it: the resource's provider (the access model tells account-level providers apart).
        pr.provider = r.provider ? policyResources.get(r.provider) : undefined;
        pr.dependencies = of(r.dependsOn);
        pr.propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, urns]) => [k, of(urns)]));
      }
      const args: StackValidationArgs = { resources: [...policyResources.values()], ...common };
      try {
        p.validateStack(args, (message, urn) => push(message, urn));
      } catch (e) {
        if (isUnknownError(e)) couldNotRun(e as Error);
        else if (!(e instanceof NotApplicable)) throw e;
      }
    }
  }
  return out.sort((a, b) => (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : (a.urn ?? "") < (b.urn ?? "") ? -1 : (a.urn ?? "") > (b.urn ?? "") ? 1 : a.message < b.message ? -1 : 1));
}

/** Violations as a Markdown table for a pull-request comment. */
export function violationsMarkdown(violations: readonly Violation[]): string {
  if (violations.length === 0) return "## Policy\n\nNo violations of the lakemesh policy pack.";
  const cell = (s: string) => s.split("\n")[0].replace(/\|/g, "\\|");
  return [
    "## Policy",
    "",
    `${violations.filter((v) => v.enforcementLevel === "mandatory").length} mandatory, ${violations.filter((v) => v.enforcementLevel === "advisory").length} advisory.`,
    "",
    "| Rule | Level | Severity | Resource | Violation | Remediation |",
    "|---|---|---|---|---|---|",
    ...violations.map((v) => `| ${v.policy} | ${v.enforcementLevel} | ${v.severity} | ${cell(v.urn?.split("::").pop() ?? "(stack)")} | ${cell(v.message)} | ${cell(v.remediation)} |`),
  ].join("\n");
}
