// Runs the pack over a recorded plan the way the engine would: config defaults applied from each configSchema,
// enforcement levels from the pack config, notApplicable honoured, stack rules over every resource. Used by
// `lakemesh plan` and by the rule tests; it never constructs a PolicyPack (that starts a server).
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
import { setManifestRoots } from "./lib";
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
}

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

const typeOf = (cls: any): string | undefined => (typeof cls?.__pulumiType === "string" ? cls.__pulumiType : undefined);

/**
 * Runs every policy over the resources and returns the violations of the ones not disabled. `projectRoot` is where
 * the manifests' files are, for violations that name file:line:col (@default the working folder).
 */
export function runPolicies(resources: readonly HarnessResource[], pack: PolicyPackConfig = {}, policies: readonly Policy[] = allRules, projectRoot?: string): Violation[] {
  setManifestRoots(projectRoot ? [projectRoot] : []);
  const out: Violation[] = [];
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const stackTags = new Map<string, string>();
  for (const p of policies) {
    const { level, config } = policyConfig(p, pack);
    if (level === "disabled") continue;
    const effective = level === "advisory" ? "advisory" : "mandatory"; // remediate is reported as mandatory
    const push = (message: string, urn?: string) =>
      out.push({ policy: p.name, enforcementLevel: effective, severity: p.severity ?? "medium", urn, message, remediation: p.remediationSteps ?? "" });
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
          props: r.inputs,
          urn: r.urn,
          name: r.name,
          opts: options(r),
          provider: provider ? { type: provider.type, props: provider.inputs, urn: provider.urn, name: provider.name } : undefined,
          isType: (cls: any) => typeOf(cls) === r.type,
          asType: ((cls: any) => (typeOf(cls) === r.type ? r.inputs : undefined)) as ResourceValidationArgs["asType"],
          ...common,
        };
        for (const fn of fns) {
          try {
            fn(args, (message, urn) => push(message, urn ?? r.urn));
          } catch (e) {
            if (!(e instanceof NotApplicable)) throw e;
          }
        }
      }
    }
    if ("validateStack" in p && p.validateStack) {
      const policyResources = new Map<string, PolicyResource>();
      for (const r of resources) {
        policyResources.set(r.urn, {
          type: r.type,
          props: r.inputs,
          urn: r.urn,
          name: r.name,
          opts: options(r),
          dependencies: [],
          propertyDependencies: {},
          isType: (cls: any) => typeOf(cls) === r.type,
          asType: ((cls: any) => (typeOf(cls) === r.type ? r.inputs : undefined)) as PolicyResource["asType"],
        } as PolicyResource);
      }
      for (const r of resources) {
        const pr = policyResources.get(r.urn)! as { parent?: PolicyResource; dependencies: PolicyResource[]; provider?: PolicyResource };
        pr.parent = r.parent ? policyResources.get(r.parent) : undefined;
        // As the engine gives it: the resource's provider (the access model tells account-level providers apart).
        pr.provider = r.provider ? policyResources.get(r.provider) : undefined;
        pr.dependencies = r.dependsOn.flatMap((u) => (policyResources.has(u) ? [policyResources.get(u)!] : []));
      }
      const args: StackValidationArgs = { resources: [...policyResources.values()], ...common };
      try {
        p.validateStack(args, (message, urn) => push(message, urn));
      } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
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
