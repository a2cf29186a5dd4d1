import * as fs from "fs";
import * as path from "path";
import { stableJson } from "../../lib/compile/json";
import { diffMarkdown, diffMeshes } from "../../lib/diff";
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
  --out <dir>      output folder (default out/plan)
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

/** Writes files into dir/stack atomically: a failed run leaves the previous plan untouched. */
export function writePlanFiles(outDir: string, stack: string, files: ReadonlyMap<string, string>): string {
  const target = path.join(outDir, stack);
  const tmp = path.join(outDir, `.${stack}.tmp-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const [rel, text] of files) {
    const full = path.join(tmp, rel);
    if (!full.startsWith(tmp + path.sep)) throw new Error(`plan file path escapes the output folder: ${rel}`);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(tmp, target);
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
      userConfig = policy.readPolicyConfig(parsed.values["policy-config"] && path.resolve(root, parsed.values["policy-config"]));
      const mesh = manifests.map((m) => m.manifest);
      if (base) breaking = { base: { label: base, manifests: [...revisionAt(root, base).manifests] }, mesh };
      if (previous) {
        previousPlan = policy.previousPlan(path.resolve(root, previous));
        breaking = { base: { label: previous, manifests: previousPlan.manifests }, mesh };
      }
    } catch (e) {
      if (e instanceof policy.PolicyInputError) {
        io.err(`lakemesh plan: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
    const { runOfflinePlan } = await import("../plan/run");
    const { duplicateUrns, planFiles, planTree } = await import("../plan/outputs");
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
      violations = policy.checkPlan(plan, userConfig, breaking, policy.projectAccountClaims(root, manifests), previousPlan?.topics);
    } catch (e) {
      io.err(`lakemesh plan: ${(e as Error).message}\n`);
      return EXIT.failed;
    }
    const diffSection = breaking?.base ? [diffMarkdown(diffMeshes(breaking.base.manifests, breaking.mesh ?? [], { baseLabel: breaking.base.label, headLabel: "this plan", settings: stack.settings }), 2)] : [];
    const files = planFiles(plan, [...diffSection, policy.violationsMarkdown(violations), policy.accessSection(plan), policy.survivalSection(plan, userConfig)]);
    files.set("policy.json", stableJson(violations) + "\n");
    const out = parsed.values.out ?? (parsed.values.preview ? "out/plan-preview" : "out/plan");
    const target = writePlanFiles(path.resolve(root, out), stack.stack, files);
    if (!parsed.values.quiet) io.out(planTree(plan));
    for (const v of violations) (v.enforcementLevel === "mandatory" ? io.err : io.out)(policy.formatViolation(v));
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    io.out(
      `planned ${plan.resources.length} resources for stack ${stack.stack}; ${mandatory} mandatory and ${violations.length - mandatory} advisory policy violations; wrote ${files.size} files to ${path.relative(root, target) || target}\n`,
    );
    return mandatory > 0 ? EXIT.failed : EXIT.ok;
  },
};
