// One measured run in its own process (the Pulumi SDK is process-global): the offline plan of a project, or a bare
// floor of N mocked registrations with no logic. Prints one JSON line.
//   node dist/bench/plan-child.js plan <root> <stack>
//   node dist/bench/plan-child.js domain <root> <stack> <domain>   (that domain's stack, in domain mode)
//   node dist/bench/plan-child.js floor <count> <root>
import * as pulumi from "@pulumi/pulumi";
import { criticalPath } from "./graph";

/** A resource with no logic: one input, no outputs read. */
class Bare extends pulumi.CustomResource {
  constructor(name: string, value: number) {
    super("bench:index:Bare", name, { value });
  }
}

async function main(): Promise<void> {
  const [mode, a, b, c] = process.argv.slice(2);
  const t0 = process.hrtime.bigint();
  let resources: { urn: string; parent: string; dependsOn: readonly string[] }[];
  if (mode === "plan" || mode === "domain") {
    const { readStackConfig } = await import("../cli/plan/stack-config");
    const { runOfflinePlan } = await import("../cli/plan/run");
    const plan = await runOfflinePlan(a, readStackConfig(a, b, mode === "domain" ? c : undefined));
    resources = [...plan.resources];
  } else {
    const { planMocks } = await import("../cli/plan/mocks");
    const { recordRegistrations, settle } = await import("../cli/plan/record");
    const { readStackConfig } = await import("../cli/plan/stack-config");
    await pulumi.runtime.setMocks(planMocks(readStackConfig(b, "dev").settings), "bench", "floor", false);
    const recorded = recordRegistrations();
    const count = Number(a);
    await pulumi.runtime.runInPulumiStack(async () => {
      for (let i = 0; i < count; i++) new Bare(`bare-${i}`, i);
      return {};
    });
    await settle();
    resources = recorded;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cp = criticalPath(resources);
  process.stdout.write(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, resources: resources.length, criticalPath: cp }) + "\n");
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
