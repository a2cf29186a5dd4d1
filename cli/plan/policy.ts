import * as fs from "fs";
import { engineProps, runPolicies, violationsMarkdown, type PolicyPackConfig, type Violation } from "../../policies/harness";
import type { DomainManifest } from "../../lib/manifest";
import { survivalRows, survivalTable, SURVIVAL_DEFAULTS, type SurvivalConfig } from "../../policies/rules/gdpr/lm-gdpr-erasure-survival";
import type { PreviousTopics } from "../../policies/rules/kafka/lm-kafka-prod-topic-replacement";
import type { PreviousContracts } from "../../policies/rules/manifest/lm-breaking-change-needs-major";
import type { OfflinePlan } from "./run";

export class PolicyInputError extends Error {}

/** Reads a --policy-config file (the shape of `pulumi preview --policy-pack-config`). */
export function readPolicyConfig(file: string | undefined): PolicyPackConfig {
  if (!file) return {};
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not a JSON object");
    return parsed as PolicyPackConfig;
  } catch (e) {
    throw new PolicyInputError(`--policy-config ${file}: ${(e as Error).message}`);
  }
}

/** What the rules compare with from an earlier plan.json: its contracts, and its topics' partitions. */
export interface PreviousPlan {
  readonly contracts: PreviousContracts;
  readonly topics: PreviousTopics;
}

/** The contracts and topics of a previous plan.json, for the breaking-change and topic-replacement rules. */
export function previousPlan(file: string | undefined): PreviousPlan | undefined {
  if (!file) return undefined;
  let plan: { resources?: { type: string; inputs: { manifest?: DomainManifest; name?: unknown; partitions?: unknown; replicationFactor?: unknown } }[] };
  try {
    plan = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new PolicyInputError(`--previous ${file}: ${(e as Error).message}`);
  }
  const contracts: PreviousContracts = {};
  const topics: PreviousTopics = {};
  for (const r of plan.resources ?? []) {
    if (r.type === "kafka:index/topic:Topic" && typeof r.inputs.name === "string" && typeof r.inputs.partitions === "number") {
      topics[r.inputs.name] = { partitions: r.inputs.partitions, replicationFactor: Number(r.inputs.replicationFactor) };
    }
    const m = r.type === "lakemesh:domain:DataDomain" ? r.inputs.manifest : undefined;
    if (!m) continue;
    contracts[m.metadata.name] = Object.fromEntries(m.spec.datasets.map((d) => [d.name, { version: d.contract.version, lifecycle: d.contract.lifecycle, columns: d.columns.map((c) => c.name) }]));
  }
  return { contracts, topics };
}

/**
 * Runs the pack over the plan. The offline plan keeps secretness, so the secrets rule runs in its exact mode;
 * a user's config overrides everything else.
 */
export function checkPlan(plan: OfflinePlan, userConfig: PolicyPackConfig, previous?: PreviousPlan): Violation[] {
  const base: PolicyPackConfig = {
    "lm-secrets-not-plaintext": { secretsVisible: true },
    ...(previous ? { "lm-breaking-change-needs-major": { previous: previous.contracts }, "lm-kafka-prod-topic-replacement": { previousTopics: previous.topics } } : {}),
  };
  const merged: PolicyPackConfig = { ...base };
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
  const rows = survivalRows(plan.resources.map((r) => ({ type: r.type, urn: r.urn, props: engineProps(r.inputs) })), c);
  return `## Personal data after an erasure request\n\n${survivalTable(rows, c)}`;
}

export { violationsMarkdown };

/** One violation for the terminal: rule, level, resource, message, remediation. */
export function formatViolation(v: Violation): string {
  const resource = v.urn?.split("::").pop() ?? "(stack)";
  const [first, ...rest] = v.message.split("\n");
  return `[${v.enforcementLevel}] ${v.policy} (${v.severity}) ${resource}: ${first}\n    remediation: ${v.remediation}${rest.length > 0 ? "\n" + rest.map((l) => `    ${l}`).join("\n") : ""}\n`;
}
