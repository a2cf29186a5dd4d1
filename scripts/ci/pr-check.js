#!/usr/bin/env node
"use strict";
// The pull-request check (.github/workflows/pull-request.yml runs it; run it locally the same way):
// validate every manifest, diff the contracts against the base, name the affected stacks of dev and prod, plan
// each with the policy pack (and the breaking-change gate against the base), and write one Markdown comment with
// the diff, the policy results and the survival table. Exit 1 when validation fails, the contract gate fails,
// or any plan has a mandatory policy violation; 0 otherwise.
// Usage: node scripts/ci/pr-check.js <base git ref> [--out out/pr]
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "lakemesh.js");
const ENVS = ["dev", "prod"];
/** GitHub refuses comments over 65,536 characters; the rest is in the uploaded artifact. */
const MAX_COMMENT = 60000;
const MARKER = "<!-- lakemesh-pr-check -->";

const args = process.argv.slice(2);
const base = args[0];
const outDir = path.resolve(ROOT, args.includes("--out") ? args[args.indexOf("--out") + 1] : "out/pr");
if (!base || base.startsWith("-")) {
  console.error("usage: node scripts/ci/pr-check.js <base git ref> [--out dir]");
  process.exit(2);
}

const timings = [];
function lakemesh(name, argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  timings.push([name, seconds]);
  console.error(`[pr-check] ${name}: exit ${r.status} in ${seconds.toFixed(1)} s`);
  return r;
}

/** A section of a plan.md, from its "## <title>" heading to the next "## ". */
function section(md, title) {
  const start = md.indexOf(`\n## ${title}`);
  if (start < 0) return "";
  const end = md.indexOf("\n## ", start + 4);
  return md.slice(start + 1, end < 0 ? md.length : end).trim();
}

const fence = (text) => "```\n" + text.trim() + "\n```";

fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
let failed = false;
const parts = [];

// 1. Every manifest, against the JSON Schema and the cross-domain rules.
const validate = lakemesh("validate", ["validate"]);
fs.writeFileSync(path.join(outDir, "validate.txt"), validate.stdout + validate.stderr);
if (validate.status !== 0) failed = true;
parts.push(`**Validate:** ${validate.status === 0 ? validate.stdout.trim() : `failed\n\n${fence(validate.stdout)}`}`);

// 2. The contract diff and its gate.
const diff = lakemesh("diff", ["diff", "--base", base, "--format", "markdown"]);
fs.writeFileSync(path.join(outDir, "diff.md"), diff.stdout);
const diffJson = lakemesh("diff (json)", ["diff", "--base", base, "--format", "json"]);
fs.writeFileSync(path.join(outDir, "diff.json"), diffJson.stdout);
if (diff.status !== 0) failed = true;
parts.push(diff.status === 2 ? `**Contract diff:** could not run\n\n${fence(diff.stderr)}` : diff.stdout.trim());

// 3. Affected stacks of each environment, each planned with the policy pack and the gate against the base.
/** Policy violations over every plan, once each, with the stacks they came from. */
const violations = new Map();
const remediation = new Map();
const survival = [];
for (const env of ENVS) {
  const affected = lakemesh(`affected ${env}`, ["affected", "--base", base, "--env", env, "--format", "json"]);
  fs.writeFileSync(path.join(outDir, `affected-${env}.json`), affected.stdout);
  if (affected.status !== 0) {
    failed = true;
    parts.push(`### ${env}\n\n\`lakemesh affected\` failed:\n\n${fence(affected.stderr)}`);
    continue;
  }
  const stacks = JSON.parse(affected.stdout).stacks;
  if (stacks.length === 0) {
    parts.push(`### ${env}: no stack is affected`);
    continue;
  }
  const rows = [];
  const errors = [];
  for (const s of stacks) {
    const domain = s.stack.startsWith(`${env}-`) && s.stack !== `${env}-platform` ? s.stack.slice(env.length + 1) : undefined;
    // A project with only Pulumi.<env>.yaml (the single-stack layout) has no platform stack of its own: the <env> row
    // plans the platform with every domain.
    if (s.stack === `${env}-platform` && !fs.existsSync(path.join(ROOT, `Pulumi.${s.stack}.yaml`))) {
      rows.push(`| ${s.stack} | ${s.reasons.join("; ").replace(/\|/g, "\\|")} | planned in stack ${env} (no Pulumi.${s.stack}.yaml) |`);
      continue;
    }
    if (domain && s.reasons.some((r) => r.startsWith("domain removed"))) {
      rows.push(`| ${s.stack} | ${s.reasons.join("; ")} | not planned: the domain left the mesh |`);
      continue;
    }
    const argv = ["plan", "--stack", domain ? env : s.stack, ...(domain ? ["--domain", domain] : []), "--base", base, "--quiet", "--out", path.join(outDir, "plan")];
    const plan = lakemesh(`plan ${s.stack}`, argv);
    if (plan.status !== 0) failed = true;
    const summary = (plan.stdout.trim().split("\n").pop() || "").replace(/; wrote .*$/, "");
    const md = path.join(outDir, "plan", s.stack, "plan.md");
    if (!fs.existsSync(md) || !summary.startsWith("planned")) {
      rows.push(`| ${s.stack} | ${s.reasons.join("; ").replace(/\|/g, "\\|")} | **plan failed** |`);
      errors.push(`#### ${s.stack}: plan failed\n\n${fence(plan.stderr.split("\n").slice(-30).join("\n"))}`);
      continue;
    }
    rows.push(`| ${s.stack} | ${s.reasons.join("; ").replace(/\|/g, "\\|")} | ${plan.status !== 0 ? "**fails**: " : ""}${summary.replace(/^planned /, "").replace(/\|/g, "\\|")} |`);
    const text = fs.readFileSync(md, "utf8");
    for (const line of section(text, "Policy").split("\n").filter((l) => l.startsWith("| lm-"))) {
      const [rule, level, severity, resource, message, fix] = line.slice(2, -2).split(" | ");
      const key = [rule, level, severity, resource, message].join(" | ");
      violations.set(key, [...(violations.get(key) ?? []), s.stack]);
      remediation.set(rule, fix);
    }
    // The environment's single-stack plan holds every copy of personal data: its survival table stands for all.
    if (s.stack === env) {
      const table = section(text, "Personal data after an erasure request").split("\n").slice(1).join("\n").trim();
      const copies = table.split("\n").filter((l) => /^\| [^-C]/.test(l) && !l.startsWith("| Copy"));
      const over = copies.filter((l) => l.split(" | ")[3] !== "yes").length;
      survival.push(`<details><summary>${env}: ${copies.length} copies of personal data, ${over === 0 ? "every one" : `${copies.length - over} of them`} erased within the deadline${over ? `; **${over} outlive it**` : ""}</summary>\n\n${table}\n\n</details>`);
    }
  }
  parts.push(`### ${env}: affected stacks, planned with the policy pack\n\n| Stack | Why | Plan |\n|---|---|---|\n${rows.join("\n")}${errors.length ? `\n\n${errors.join("\n\n")}` : ""}`);
}
if (violations.size === 0) parts.push("### Policy\n\nNo violations of the lakemesh policy pack in any plan.");
else {
  const rows = [...violations].map(([key, stacks]) => `| ${key} | ${stacks.join(", ")} |`);
  const fixes = [...remediation].map(([rule, fix]) => `- **${rule}**: ${fix}`);
  parts.push(`### Policy\n\n| Rule | Level | Severity | Resource | Violation | Stacks |\n|---|---|---|---|---|---|\n${rows.join("\n")}\n\nRemediation:\n${fixes.join("\n")}`);
}
if (survival.length) parts.push(`### Personal data after an erasure request\n\n${survival.join("\n\n")}`);

const total = timings.reduce((n, [, s]) => n + s, 0);
const head = `${MARKER}\n## lakemesh: ${failed ? "this change fails the check" : "this change passes the check"}\n\nBase \`${base}\`; checked in ${total.toFixed(1)} s.`;
let comment = [head, ...parts].join("\n\n") + "\n";
if (comment.length > MAX_COMMENT) comment = comment.slice(0, MAX_COMMENT) + "\n\n... cut at 60,000 characters; the full report is in the workflow's `pr-check` artifact.\n";
fs.writeFileSync(path.join(outDir, "comment.md"), comment);
fs.writeFileSync(path.join(outDir, "timings.json"), JSON.stringify({ totalSeconds: total, steps: timings.map(([name, seconds]) => ({ name, seconds })) }, null, 2) + "\n");
console.error(`[pr-check] ${failed ? "FAILED" : "passed"}; ${path.relative(ROOT, path.join(outDir, "comment.md"))} written (${total.toFixed(1)} s in lakemesh)`);
process.exit(failed ? 1 : 0);
