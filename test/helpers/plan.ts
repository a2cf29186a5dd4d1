import { readStackConfig } from "../../cli/plan/stack-config";
import { runOfflinePlan, type OfflinePlan } from "../../cli/plan/run";
import type { PlannedResource } from "../../cli/plan/record";
import { ROOT } from "./settings";

/** Runs the real program offline for a shipped stack. One per test file: the Pulumi SDK is process-global. */
export function planStack(stack: "dev" | "prod"): Promise<OfflinePlan> {
  return runOfflinePlan(ROOT, readStackConfig(ROOT, stack));
}

export const byType = (plan: OfflinePlan, type: string) => plan.resources.filter((r) => r.type === type);
export const children = (plan: OfflinePlan, parent: PlannedResource) => plan.resources.filter((r) => r.parent === parent.urn);

/** All descendants of a resource. */
export function descendants(plan: OfflinePlan, root: PlannedResource): PlannedResource[] {
  const out: PlannedResource[] = [];
  const walk = (urn: string) => {
    for (const r of plan.resources.filter((x) => x.parent === urn)) {
      out.push(r);
      walk(r.urn);
    }
  };
  walk(root.urn);
  return out;
}
