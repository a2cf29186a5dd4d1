import * as fs from "fs";
import { DAY_MS, HOUR_MS, survivalMarkdown, survivalReport, type PipelineContract } from "../../lib/compile";
import { parseDuration, type DomainManifest } from "../../lib/manifest";
import { runPolicies, violationsMarkdown, type PolicyPackConfig, type Violation } from "../../policies/harness";
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

/** Contracts of a previous plan.json, for the breaking-change rule. */
export function previousContracts(file: string | undefined): PreviousContracts | undefined {
  if (!file) return undefined;
  let plan: { resources?: { type: string; inputs: { manifest?: DomainManifest } }[] };
  try {
    plan = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new PolicyInputError(`--previous ${file}: ${(e as Error).message}`);
  }
  const out: PreviousContracts = {};
  for (const r of plan.resources ?? []) {
    const m = r.type === "lakemesh:domain:DataDomain" ? r.inputs.manifest : undefined;
    if (!m) continue;
    out[m.metadata.name] = Object.fromEntries(m.spec.datasets.map((d) => [d.name, { version: d.contract.version, lifecycle: d.contract.lifecycle, columns: d.columns.map((c) => c.name) }]));
  }
  return out;
}

/**
 * Runs the pack over the plan. The offline plan keeps secretness, so the secrets rule runs in its exact mode;
 * a user's config overrides everything else.
 */
export function checkPlan(plan: OfflinePlan, userConfig: PolicyPackConfig, previous?: PreviousContracts): Violation[] {
  const base: PolicyPackConfig = {
    "lm-secrets-not-plaintext": { secretsVisible: true },
    ...(previous ? { "lm-breaking-change-needs-major": { previous } } : {}),
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
  const c = { deadlineDays: 30, erasureLatencyHours: 24, vacuumIntervalHours: 24, ...(typeof cfg === "object" ? cfg : {}) } as unknown as Record<string, number>;
  const contracts: PipelineContract[] = [];
  const personal = new Set<string>();
  const refresh = new Map<string, number>();
  for (const r of plan.resources) {
    if (r.type === "databricks:index/workspaceFile:WorkspaceFile" && String(r.inputs.path).endsWith("/contract.json") && typeof r.inputs.contentBase64 === "string") {
      contracts.push(JSON.parse(Buffer.from(r.inputs.contentBase64, "base64").toString("utf8")));
    }
    const m = r.type === "lakemesh:domain:DataDomain" ? (r.inputs as { manifest: DomainManifest; topics: { name: string; personalData: boolean }[] }) : undefined;
    if (m) {
      m.topics.filter((t) => t.personalData).forEach((t) => personal.add(t.name));
      refresh.set(m.manifest.metadata.name, parseDuration(m.manifest.spec.sla.freshness) ?? DAY_MS);
    }
  }
  const topics = plan.resources
    .filter((r) => r.type === "kafka:index/topic:Topic" && personal.has(String(r.inputs.name)))
    .map((r) => {
      const conf = r.inputs.config as Record<string, string>;
      return { name: String(r.inputs.name), retentionMs: Number(conf["retention.ms"]), segmentMs: Number(conf["segment.ms"]) };
    });
  const rows = survivalReport(contracts, topics, refresh, { erasureLatencyMs: c.erasureLatencyHours * HOUR_MS, vacuumIntervalMs: c.vacuumIntervalHours * HOUR_MS });
  return `## Personal data after an erasure request\n\nAssumes the erasure job finishes within ${c.erasureLatencyHours} h and VACUUM runs every ${c.vacuumIntervalHours} h; the deadline is ${c.deadlineDays} days.\n\n${survivalMarkdown(rows, c.deadlineDays * DAY_MS)}`;
}

export { violationsMarkdown };

/** One violation for the terminal: rule, level, resource, message, remediation. */
export function formatViolation(v: Violation): string {
  const resource = v.urn?.split("::").pop() ?? "(stack)";
  const [first, ...rest] = v.message.split("\n");
  return `[${v.enforcementLevel}] ${v.policy} (${v.severity}) ${resource}: ${first}\n    remediation: ${v.remediation}${rest.length > 0 ? "\n" + rest.map((l) => `    ${l}`).join("\n") : ""}\n`;
}
