import * as fs from "fs";
import * as path from "path";
import { stableJson } from "../../lib/compile/json";
import { diffMarkdown, diffMeshes } from "../../lib/diff";
import { fileKind } from "../../lib/read-file";
import { printable } from "../../lib/text";
import type { BreakingChangeConfig } from "../../policies/rules/manifest/lm-breaking-change-needs-major";
import { revisionAt, verifyCommit } from "../git";
import { Command, EXIT, Io, parseCommandArgs, UsageError } from "../usage";
import { readStackArgs, STACK_OPTIONS } from "./stack-args";

const USAGE = `Usage: lakemesh plan --stack <name> [--domain <name>] [--platform-outputs <file>] [--out <dir>]
                     [--policy-config <file>] [--base <git ref> | --previous <plan.json>] [--preview] [--quiet]

Plans a stack offline: runs the Pulumi program in-process under mocks with the stack's
config file (Pulumi.<name>.yaml), records every resource, and writes
out/plan/<stack>/plan.json, plan.md and the rendered contracts, SQL and recipes.
Needs no cloud account and no credentials; secrets are placeholders.
Then runs the policy pack (policies/) over the plan: violations are printed and
written to plan.md, and any mandatory violation fails the plan. With --base (or
--previous) the breaking-change rule compares the contracts with that revision, as
lakemesh diff does, and plan.md gets the contract diff.

Options:
  --stack <name>   stack to plan (dev, prod, prod-platform, prod-core-business, ...)
  --domain <name>  plan the domain stack <stack>-<domain> (its own Pulumi.<stack>-<domain>.yaml,
                   else Pulumi.<stack>.yaml in domain mode), against the platform outputs
                   the platform stack's plan exports
  --platform-outputs <file>
                   for a domain stack: the platform outputs to plan against, as
                   pulumi stack output --json prints them (default: the platform plan's)
  --out <dir>      output folder (default out/plan); <dir>/<stack> is replaced only if an
                   earlier plan wrote it (it holds a .lakemesh-plan file)
  --policy-config <file>
                   policy config, the shape of pulumi preview --policy-pack-config
  --base <git ref> the revision to compare contracts with (read from git, e.g. origin/main)
  --previous <plan.json>
                   compare contracts with the manifests an earlier plan was made from instead,
                   and catch production topics that would lose partitions (be replaced)
  --preview        plan as \`pulumi preview\` sees a first deployment: ids and values providers
                   compute are unknown, and the policy results are the ones lakemesh preview
                   gets from the real engine (rules list what they leave to the update);
                   default --out out/plan-preview
  --quiet          do not print the resource tree
  -h, --help       show this help

Exit status: 0 planned, 1 plan failed (config, manifests, program, a mandatory
policy violation), 2 usage error.
`;

/** The file that marks a folder as written by `lakemesh plan`: only such a folder is ever replaced. */
export const PLAN_MARKER = ".lakemesh-plan";
const MARKER_TEXT = "This folder was written by `lakemesh plan`; the next plan of this stack replaces it.\n";

/** The output folder exists but lakemesh did not write it, or cannot be written: nothing was changed. */
export class PlanOutputError extends Error {}


/** dir/stack, and whether an earlier plan wrote it; a PlanOutputError when something else is there. */
export function planTarget(outDir: string, stack: string): { target: string; existing: boolean } {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || /^\.+$/.test(stack)) throw new PlanOutputError(`not a stack name: ${printable(JSON.stringify(stack))}`);
  const target = path.join(outDir, stack);
  const shown = printable(target);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(target);
  } catch {
    return { target, existing: false };
  }
  if (!st.isDirectory()) throw new PlanOutputError(`${shown} exists and is ${fileKind(st)}; nothing was written. Remove it, or choose another --out`);
  let marked = false;
  try {
    marked = fs.lstatSync(path.join(target, PLAN_MARKER)).isFile();
  } catch {
    marked = false;
  }
  if (!marked) throw new PlanOutputError(`${shown} exists and was not written by lakemesh plan (it has no ${PLAN_MARKER} file); nothing was written. Remove it yourself, or choose another --out`);
  return { target, existing: true };
}

/**
 * Writes files into dir/stack atomically: a failed run leaves the previous plan untouched. An existing dir/stack
 * is replaced only when an earlier plan wrote it (it holds PLAN_MARKER); any other file or folder there (a
 * symbolic link included) is refused, so `--out` can never delete what lakemesh did not create.
 */
export function writePlanFiles(outDir: string, stack: string, files: ReadonlyMap<string, string>): string {
  const { target, existing } = planTarget(outDir, stack);
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(outDir, `.${stack}.tmp-`));
  try {
    for (const [rel, text] of [...files, [PLAN_MARKER, MARKER_TEXT] as const]) {
      const full = path.join(tmp, rel);
      if (!full.startsWith(tmp + path.sep)) throw new PlanOutputError(`plan file path escapes the output folder: ${printable(rel)}`);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, text);
    }
    if (existing) fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return target;
}

export const planCommand: Command = {
  summary: "plan a stack offline (no cloud account needed)",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs(argv, io, USAGE, {
      ...STACK_OPTIONS,
      out: { type: "string" },
      preview: { type: "boolean" },
      "policy-config": { type: "string" },
      base: { type: "string" },
      previous: { type: "string" },
      quiet: { type: "boolean" },
    });
    if (!parsed) return EXIT.ok;
    const args = await readStackArgs("plan", io, parsed.values);
    if (!args) return EXIT.failed;
    const { stack, manifests, platformOutputs } = args;
    const root = io.cwd;
    const policy = await import("../plan/policy");
    let userConfig;
    let breaking: BreakingChangeConfig | undefined;
    let previousPlan;
    const { base, previous } = parsed.values;
    if (base && previous) throw new UsageError("--base and --previous both name what to compare with; give one");
    if (base) verifyCommit(root, base);
    try {
      const cfg = parsed.values["policy-config"];
      userConfig = policy.readPolicyConfig(cfg && path.resolve(root, cfg), cfg);
      const mesh = manifests.map((m) => m.manifest);
      if (base) breaking = { base: { label: base, manifests: [...revisionAt(root, base).manifests] }, mesh };
      if (previous) {
        previousPlan = policy.previousPlan(path.resolve(root, previous), previous);
        breaking = { base: { label: previous, manifests: previousPlan.manifests }, mesh };
      }
    } catch (e) {
      if (e instanceof policy.PolicyInputError) {
        io.err(`lakemesh plan: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
    const outDir = path.resolve(root, parsed.values.out ?? (parsed.values.preview ? "out/plan-preview" : "out/plan"));
    try {
      planTarget(outDir, stack.stack); // fail before planning, not after
    } catch (e) {
      if (!(e instanceof PlanOutputError)) throw e;
      io.err(`lakemesh plan: --out: ${e.message}\n`);
      return EXIT.failed;
    }
    const { runOfflinePlan } = await import("../plan/run");
    const { duplicateUrns, notPersonalSection, planFiles, planTree } = await import("../plan/outputs");
    let plan;
    try {
      plan = await runOfflinePlan(root, stack, platformOutputs, { preview: parsed.values.preview ?? false });
    } catch (e) {
      io.err(`lakemesh plan: the program failed; nothing was written: ${(e as Error).message}\n`);
      return EXIT.failed;
    }
    const dup = duplicateUrns(plan.resources);
    if (dup.length > 0) {
      io.err(`lakemesh plan: ${dup.length} duplicate URN(s), which the engine would refuse; nothing was written:\n${dup.map((u) => `  ${u}\n`).join("")}`);
      return EXIT.failed;
    }
    let violations;
    try {
      violations = policy.checkPlan(plan, userConfig, breaking, policy.projectAccountClaims(root, manifests), root, previousPlan?.topics);
    } catch (e) {
      io.err(`lakemesh plan: ${(e as Error).message}\n`);
      return EXIT.failed;
    }
    const diffSection = breaking?.base ? [diffMarkdown(diffMeshes(breaking.base.manifests, breaking.mesh ?? [], { baseLabel: breaking.base.label, headLabel: "this plan", settings: stack.settings }), 2)] : [];
    const files = planFiles(plan, [...diffSection, policy.violationsMarkdown(violations), policy.accessSection(plan), policy.survivalSection(plan, userConfig), notPersonalSection(plan)]);
    files.set("policy.json", stableJson(violations) + "\n");
    let target: string;
    try {
      target = writePlanFiles(outDir, stack.stack, files);
    } catch (e) {
      if (!(e instanceof PlanOutputError)) throw e;
      io.err(`lakemesh plan: --out: ${e.message}\n`);
      return EXIT.failed;
    }
    if (!parsed.values.quiet) io.out(planTree(plan));
    for (const v of violations) (v.enforcementLevel === "mandatory" ? io.err : io.out)(policy.formatViolation(v));
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    io.out(
      `planned ${plan.resources.length} resources for stack ${stack.stack}; ${mandatory} mandatory and ${violations.length - mandatory} advisory policy violations; wrote ${files.size} files to ${printable(path.relative(root, target) || target)}\n`,
    );
    return mandatory > 0 ? EXIT.failed : EXIT.ok;
  },
};
