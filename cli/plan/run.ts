import * as pulumi from "@pulumi/pulumi";
import { planMocks } from "./mocks";
import { recordRegistrations, settle, type PlannedResource } from "./record";
import type { StackConfig } from "./stack-config";

export interface OfflinePlan {
  readonly project: string;
  readonly stack: string;
  /** Sorted by URN. */
  readonly resources: readonly PlannedResource[];
}

/**
 * Runs the real program in this process under pulumi.runtime.setMocks and records every registration.
 * One plan per process: the Pulumi SDK keeps global state.
 */
export async function runOfflinePlan(root: string, stack: StackConfig): Promise<OfflinePlan> {
  await pulumi.runtime.setMocks(planMocks(stack.settings.aws.region, stack.settings.aws.accountId), stack.project, stack.stack, false);
  pulumi.runtime.setAllConfig({ ...stack.config }, [...stack.secretKeys]);
  const recorded = recordRegistrations();
  // Loaded only now: its resources must register against the mocks.
  const { program } = await import("../../program");
  await pulumi.runtime.runInPulumiStack(() => program(root));
  await settle();
  const resources = [...recorded].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return { project: stack.project, stack: stack.stack, resources };
}
