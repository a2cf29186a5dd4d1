import { accessMarkdown, accessReport, accountClaim, type AccountClaim } from "../../lib/access";
import { meshOf } from "../../lib/compile";
import { listStacks, readStackConfig } from "./stack-config";
import { accessViewOf, engineProps, runPolicies, violationsMarkdown, type PolicyPackConfig, type Violation } from "../../policies/harness";
import type { LoadedManifest } from "../../lib/manifest";
import { survivalRows, survivalTable, SURVIVAL_DEFAULTS, vacuumSchedule, type SurvivalConfig } from "../../policies/rules/gdpr/lm-gdpr-erasure-survival";
import type { PreviousTopics } from "../../policies/rules/kafka/lm-kafka-prod-topic-replacement";
import type { BreakingChangeConfig } from "../../policies/rules/manifest/lm-breaking-change-needs-major";
import type { OfflinePlan } from "./run";

export { PolicyInputError, previousPlan, readPolicyConfig, type PreviousPlan } from "./policy-inputs";

/**
 * What every stack file of the project says about its Databricks account, for lm-account-objects-single-owner:
 * one stack's plan cannot see another's. A stack file that does not read is left out (its own plan reports it).
 */
export function projectAccountClaims(root: string, manifests: readonly LoadedManifest[]): AccountClaim[] {
  const mesh = meshOf(manifests);
  return listStacks(root).flatMap((stack) => {
    try {
      return [accountClaim(stack, readStackConfig(root, stack).settings, mesh)];
    } catch {
      return [];
    }
  });
}

/**
 * Runs the pack over the plan. The offline plan keeps secretness, so the secrets rule runs in its exact mode;
 * a user's config overrides everything else.
 */
export function checkPlan(
  plan: OfflinePlan,
  userConfig: PolicyPackConfig,
  breaking?: BreakingChangeConfig,
  accountClaims: readonly AccountClaim[] = [],
  projectRoot?: string,
  previousTopics?: PreviousTopics,
): Violation[] {
  const base: PolicyPackConfig = {
    "lm-secrets-not-plaintext": { secretsVisible: true },
    "lm-account-objects-single-owner": { stacks: [...accountClaims] },
    ...(breaking ? { "lm-breaking-change-needs-major": { ...breaking } } : {}),
    ...(previousTopics ? { "lm-kafka-prod-topic-replacement": { previousTopics } } : {}),
  };
  // No prototype: a key of the user's config can only ever be a policy's entry (readPolicyConfig refuses the rest).
  const merged: PolicyPackConfig = Object.assign(Object.create(null), base);
  for (const [k, v] of Object.entries(userConfig)) {
    const b = base[k];
    merged[k] = typeof v === "object" && typeof b === "object" ? { ...b, ...v } : v;
  }
  return runPolicies(plan.resources, merged, undefined, projectRoot);
}

/** The survival table of the plan, with the pack's default assumptions (or the user's config of that rule). */
export function survivalSection(plan: OfflinePlan, userConfig: PolicyPackConfig): string {
  const cfg = userConfig["lm-gdpr-erasure-survival"];
  const c: SurvivalConfig = { ...SURVIVAL_DEFAULTS, ...(typeof cfg === "object" ? (cfg as Partial<SurvivalConfig>) : {}) };
  const resources = plan.resources.map((r) => ({ type: r.type, urn: r.urn, props: engineProps(r.inputs) }));
  return `## Personal data after an erasure request\n\n${survivalTable(survivalRows(resources, c), c, vacuumSchedule(resources, c))}`;
}

/** The access model's two tables and the prerequisites of the plan (lib/access). */
export function accessSection(plan: OfflinePlan): string {
  // Under --preview some inputs are unknown: the tables are the engine's view, with what stays unknown listed.
  const { resources, unresolved } = accessViewOf(plan.resources);
  const note = unresolved.length > 0 ? `\nInputs unknown at preview (a privilege they grant shows as missing; \`pulumi up\` checks it): ${unresolved.map((u) => `\`${u}\``).join(", ")}.\n` : "";
  return accessMarkdown(accessReport(resources), plan.stack) + note;
}

export { violationsMarkdown };

/** One violation for the terminal: rule, level, resource, message, remediation. */
export function formatViolation(v: Violation): string {
  const resource = v.urn?.split("::").pop() ?? "(stack)";
  const [first, ...rest] = v.message.split("\n");
  return `[${v.enforcementLevel}] ${v.policy} (${v.severity}) ${resource}: ${first}\n    remediation: ${v.remediation}${rest.length > 0 ? "\n" + rest.map((l) => `    ${l}`).join("\n") : ""}\n`;
}
