// What `lakemesh preview` concludes from the engine's events: failures, policy results per rule, and preview.md in the
// shape of plan.md (owners and types, then diagnostics, then policy). Pure.
import { ownerOf } from "../plan/outputs";
import type { PolicyEvent, PreviewEvents, PreviewStep } from "./events";

/** The rule that lists what the others left to the update (policies/rules/preview). */
export const CHECKED_AT_UPDATE_RULE = "lm-checked-at-update";

/** What the policy SDK says when a rule read an unknown input without `known` (@pulumi/policy server.js). */
const CANT_RUN = /^can't run policy '([^']+)' from policy pack '[^']*' during preview: (.*)$/s;

export type PolicyFindingKind = "violation" | "could-not-run" | "checked-at-update";

export interface PolicyFinding {
  readonly kind: PolicyFindingKind;
  /** The rule concerned (for checked-at-update: the rule that deferred, not the lister). */
  readonly policy: string;
  readonly level: string;
  readonly severity?: string;
  readonly urn?: string;
  readonly message: string;
}

export interface PreviewSummary {
  readonly stack: string;
  readonly engine: string;
  readonly result: string;
  readonly changes: Readonly<Record<string, number>>;
  /** Why the preview fails; empty when it passes. */
  readonly failures: readonly string[];
  readonly diagnostics: PreviewEvents["diagnostics"];
  readonly findings: readonly PolicyFinding[];
  readonly rules: readonly { readonly rule: string; readonly passed: number; readonly failed: number }[];
  readonly steps: readonly PreviewStep[];
}

/** The rule's description the engine puts before each message ("<description>\n<message>"). */
function stripDescription(e: PolicyEvent, descriptions: ReadonlyMap<string, string>): string {
  const d = descriptions.get(e.policy);
  return d && e.message.startsWith(`${d}\n`) ? e.message.slice(d.length + 1) : e.message;
}

/** Sorts policy events into violations, rules that could not run, and checks left to the update. */
export function policyFindings(events: readonly PolicyEvent[], descriptions: ReadonlyMap<string, string>): PolicyFinding[] {
  return events.map((e): PolicyFinding => {
    const message = stripDescription(e, descriptions);
    const cant = CANT_RUN.exec(message);
    if (cant) return { kind: "could-not-run", policy: cant[1], level: e.level, severity: e.severity, urn: e.urn, message: cant[2] };
    if (e.policy === CHECKED_AT_UPDATE_RULE) {
      const m = /^([a-z0-9-]+): (.*)$/s.exec(message);
      return { kind: "checked-at-update", policy: m ? m[1] : e.policy, level: e.level, urn: e.urn, message: m ? m[2] : message };
    }
    return { kind: "violation", policy: e.policy, level: e.level, severity: e.severity, urn: e.urn, message };
  });
}

/**
 * Why a preview fails: the engine erred or stopped, a provider refused an input (Check), a mandatory violation, or a
 * rule that could not run (it then checked nothing, and the engine only calls that advisory).
 */
export function previewFailures(ev: PreviewEvents, findings: readonly PolicyFinding[], exitCode: number): string[] {
  const out: string[] = [];
  for (const d of ev.diagnostics.filter((x) => x.severity === "error")) {
    out.push(d.urn ? `provider or program error at ${d.urn.split("::").pop()}: ${d.message.split("\n")[0]}` : `engine error: ${d.message.split("\n")[0]}`);
  }
  for (const f of findings.filter((x) => x.kind === "violation" && x.level === "mandatory")) out.push(`mandatory violation of ${f.policy} at ${f.urn?.split("::").pop() ?? "(stack)"}: ${f.message.split("\n")[0]}`);
  for (const f of findings.filter((x) => x.kind === "could-not-run")) out.push(`rule ${f.policy} could not run at ${f.urn?.split("::").pop() ?? "(stack)"}: ${f.message}`);
  if (ev.result === undefined) out.push(`the engine stopped before its summary (exit ${exitCode})`);
  else if (ev.result !== "succeeded" && out.length === 0) out.push(`the engine reports ${ev.result} (exit ${exitCode})`);
  if (exitCode !== 0 && out.length === 0) out.push(`pulumi exited ${exitCode}`);
  return out;
}

export function summarize(stack: string, engine: string, ev: PreviewEvents, exitCode: number, descriptions: ReadonlyMap<string, string>): PreviewSummary {
  const findings = policyFindings(ev.policyEvents, descriptions);
  return {
    stack,
    engine,
    result: ev.result ?? "stopped",
    changes: ev.changes,
    failures: previewFailures(ev, findings, exitCode),
    diagnostics: ev.diagnostics,
    findings,
    rules: Object.entries(ev.tallies)
      .map(([rule, t]) => ({ rule, passed: t.passed, failed: t.failed }))
      .sort((a, b) => (a.rule < b.rule ? -1 : 1)),
    steps: ev.steps,
  };
}

const cell = (s: string) => s.split("\n")[0].replace(/\|/g, "\\|");
const at = (urn?: string) => (urn ? cell(urn.split("::").pop()!) : "(stack)");

/** preview.md: plan.md's shape (owners, then types with the operation of each), then diagnostics and policy. */
export function previewMarkdown(s: PreviewSummary): string {
  const owners = ownerOf(s.steps);
  const ops = [...new Set(s.steps.map((x) => x.op))].sort();
  const byOwnerType = new Map<string, Map<string, number>>();
  for (const step of s.steps) {
    const k = `${owners.get(step.urn)}\u0000${step.type}`;
    const m = byOwnerType.get(k) ?? new Map<string, number>();
    m.set(step.op, (m.get(step.op) ?? 0) + 1);
    byOwnerType.set(k, m);
  }
  const keys = [...byOwnerType.keys()].sort();
  const ownerNames = [...new Set(keys.map((k) => k.split("\u0000")[0]))];
  const count = (kind: PolicyFindingKind) => s.findings.filter((f) => f.kind === kind);
  const changes = Object.entries(s.changes).map(([op, n]) => `${n} to ${op}`).join(", ") || "no changes";
  return [
    `# lakemesh preview: stack \`${s.stack}\``,
    "",
    `${s.engine}; result: ${s.result}; ${changes}. ${s.failures.length === 0 ? "**Passed.**" : `**Failed** (${s.failures.length}):`}`,
    ...s.failures.map((f) => `- ${f}`),
    "",
    "| Owner | Resources |",
    "|---|---:|",
    ...ownerNames.map((o) => `| ${o} | ${s.steps.filter((x) => owners.get(x.urn) === o).length} |`),
    "",
    "<details><summary>Resources per owner and type, by operation</summary>",
    "",
    `| Owner | Type | ${ops.join(" | ")} |`,
    `|---|---|${ops.map(() => "---:").join("|")}|`,
    ...keys.map((k) => {
      const [o, t] = k.split("\u0000");
      return `| ${o} | \`${t}\` | ${ops.map((op) => byOwnerType.get(k)!.get(op) ?? 0).join(" | ")} |`;
    }),
    "",
    "</details>",
    "",
    `## Diagnostics (${s.diagnostics.length})`,
    "",
    ...(s.diagnostics.length === 0 ? ["None."] : ["| Severity | Resource | Message |", "|---|---|---|", ...s.diagnostics.map((d) => `| ${d.severity} | ${at(d.urn)} | ${cell(d.message)} |`)]),
    "",
    "## Policy",
    "",
    `${count("violation").filter((f) => f.level === "mandatory").length} mandatory and ${count("violation").filter((f) => f.level !== "mandatory").length} advisory violations; ${count("could-not-run").length} rule runs could not run; ${count("checked-at-update").length} checks left to the update.`,
    "",
    ...(s.findings.length === 0
      ? []
      : ["| Result | Rule | Level | Resource | Message |", "|---|---|---|---|---|", ...s.findings.map((f) => `| ${f.kind} | ${f.policy} | ${f.level} | ${at(f.urn)} | ${cell(f.message)} |`), ""]),
    "<details><summary>Results per rule (resources passed and reported)</summary>",
    "",
    "| Rule | Passed | Reported |",
    "|---|---:|---:|",
    ...s.rules.map((r) => `| ${r.rule} | ${r.passed} | ${r.failed} |`),
    "",
    "</details>",
    "",
  ].join("\n");
}
