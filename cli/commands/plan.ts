import * as fs from "fs";
import * as path from "path";
import { diffMarkdown, diffMeshes } from "../../lib/diff";
import { formatError, readManifestFiles, validateMesh } from "../../lib/manifest";
import type { BreakingChangeConfig } from "../../policies/rules/manifest/lm-breaking-change-needs-major";
import { revisionAt, verifyCommit } from "../git";
import { Command, EXIT, Io, parseCommandArgs, UsageError } from "../usage";

const USAGE = `Usage: lakemesh plan --stack <name> [--domain <name>] [--platform-outputs <file>] [--out <dir>]
                     [--policy-config <file>] [--base <git ref> | --previous <plan.json>] [--quiet]

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
                   compare with the manifests an earlier plan was made from instead
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
      stack: { type: "string" },
      domain: { type: "string" },
      "platform-outputs": { type: "string" },
      out: { type: "string", default: "out/plan" },
      "policy-config": { type: "string" },
      base: { type: "string" },
      previous: { type: "string" },
      quiet: { type: "boolean" },
    });
    if (!parsed) return EXIT.ok;
    const stackName = parsed.values.stack;
    if (!stackName) throw new UsageError("--stack is required");
    const root = io.cwd;
    // Loaded lazily: the Pulumi SDK is only needed here.
    const { readStackConfig, StackConfigError } = await import("../plan/stack-config");
    let stack;
    try {
      stack = readStackConfig(root, stackName, parsed.values.domain);
    } catch (e) {
      if (e instanceof StackConfigError) {
        io.err(`lakemesh plan: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
    const read = readManifestFiles([path.join(root, "domains")], root);
    const validated = validateMesh(read.files);
    const errors = [...read.errors, ...validated.errors];
    if (errors.length > 0) {
      for (const e of errors) io.err(formatError(e) + "\n");
      io.err(`lakemesh plan: ${errors.length} manifest error(s); nothing was written\n`);
      return EXIT.failed;
    }
    const policy = await import("../plan/policy");
    let userConfig;
    let breaking: BreakingChangeConfig | undefined;
    const { base, previous } = parsed.values;
    if (base && previous) throw new UsageError("--base and --previous both name what to compare with; give one");
    if (base) verifyCommit(root, base);
    try {
      userConfig = policy.readPolicyConfig(parsed.values["policy-config"] && path.resolve(root, parsed.values["policy-config"]));
      const mesh = validated.manifests.map((m) => m.manifest);
      if (base) breaking = { base: { label: base, manifests: [...revisionAt(root, base).manifests] }, mesh };
      if (previous) breaking = { base: { label: previous, manifests: policy.manifestsOfPlan(path.resolve(root, previous)) }, mesh };
    } catch (e) {
      if (e instanceof policy.PolicyInputError) {
        io.err(`lakemesh plan: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
    const { runOfflinePlan } = await import("../plan/run");
    const { duplicateUrns, planFiles, planTree } = await import("../plan/outputs");
    let platformOutputs: Record<string, unknown> | undefined;
    const outputsFile = parsed.values["platform-outputs"];
    if (outputsFile) {
      try {
        platformOutputs = JSON.parse(fs.readFileSync(path.resolve(root, outputsFile), "utf8"));
      } catch (e) {
        io.err(`lakemesh plan: --platform-outputs ${outputsFile}: ${(e as Error).message}\n`);
        return EXIT.failed;
      }
    }
    let plan;
    try {
      plan = await runOfflinePlan(root, stack, platformOutputs);
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
      violations = policy.checkPlan(plan, userConfig, breaking, policy.projectAccountClaims(root, validated.manifests));
    } catch (e) {
      io.err(`lakemesh plan: ${(e as Error).message}\n`);
      return EXIT.failed;
    }
    const diffSection = breaking?.base ? [diffMarkdown(diffMeshes(breaking.base.manifests, breaking.mesh ?? [], { baseLabel: breaking.base.label, headLabel: "this plan", settings: stack.settings }), 2)] : [];
    const files = planFiles(plan, [...diffSection, policy.violationsMarkdown(violations), policy.accessSection(plan), policy.survivalSection(plan, userConfig)]);
    const target = writePlanFiles(path.resolve(root, parsed.values.out!), stack.stack, files);
    if (!parsed.values.quiet) io.out(planTree(plan));
    for (const v of violations) (v.enforcementLevel === "mandatory" ? io.err : io.out)(policy.formatViolation(v));
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    io.out(
      `planned ${plan.resources.length} resources for stack ${stack.stack}; ${mandatory} mandatory and ${violations.length - mandatory} advisory policy violations; wrote ${files.size} files to ${path.relative(root, target) || target}\n`,
    );
    return mandatory > 0 ? EXIT.failed : EXIT.ok;
  },
};
