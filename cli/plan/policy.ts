import { runPolicies, violationsMarkdown, type PolicyPackConfig, type Violation } from "../../policies/harness";
import { survivalRows, survivalTable, SURVIVAL_DEFAULTS, type SurvivalConfig } from "../../policies/rules/gdpr/lm-gdpr-erasure-survival";
import type { PreviousContracts } from "../../policies/rules/manifest/lm-breaking-change-needs-major";
import type { OfflinePlan } from "./run";

export { PolicyInputError, previousContracts, readPolicyConfig } from "./policy-inputs";

/**
 * Runs the pack over the plan. The offline plan keeps secretness, so the secrets rule runs in its exact mode;
 * a user's config overrides everything else.
 */
export function checkPlan(plan: OfflinePlan, userConfig: PolicyPackConfig, previous?: PreviousContracts): Violation[] {
  const base: PolicyPackConfig = {
    "lm-secrets-not-plaintext": { secretsVisible: true },
    ...(previous ? { "lm-breaking-change-needs-major": { previous } } : {}),
  };
  // No prototype: a key of the user's config can only ever be a policy's entry (readPolicyConfig refuses the rest).
  const merged: PolicyPackConfig = Object.assign(Object.create(null), base);
  for (const [k, v] of Object.entries(userConfig)) {
    const b = base[k];
    merged[k] = typeof v === "object" && typeof b === "object" ? { ...b, ...v } : v;
  }
  return runPolicies(plan.resources, merged);
}

/** The survival table of the plan, with the pack's default assumptions (or the user's config of that rule). */
export function survivalSection(plan: OfflinePlan, userConfig: PolicyPackConfig): string {
  const cfg = userConfig["lm-gdpr-erasure-survival"];
  const c: SurvivalConfig = { ...SURVIVAL_DEFAULTS, ...(typeof cfg === "object" ? (cfg as Partial<SurvivalConfig>) : {}) };
  const rows = survivalRows(plan.resources.map((r) => ({ type: r.type, props: r.inputs })), c);
  return `## Personal data after an erasure request\n\n${survivalTable(rows, c)}`;
}

export { violationsMarkdown };

/** One violation for the terminal: rule, level, resource, message, remediation. */
export function formatViolation(v: Violation): string {
  const resource = v.urn?.split("::").pop() ?? "(stack)";
  const [first, ...rest] = v.message.split("\n");
  return `[${v.enforcementLevel}] ${v.policy} (${v.severity}) ${resource}: ${first}\n    remediation: ${v.remediation}${rest.length > 0 ? "\n" + rest.map((l) => `    ${l}`).join("\n") : ""}\n`;
}
