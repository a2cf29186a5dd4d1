import * as pulumi from "@pulumi/pulumi";
import { OFFLINE_ORGANIZATION, planMocks, projectPlatformOutputs } from "./mocks";
import { recordRegistrations, recordStackOutputs, settle, useEngineUrns, type PlannedResource } from "./record";
import type { StackConfig } from "./stack-config";

export interface OfflinePlan {
  readonly project: string;
  readonly stack: string;
  /** Sorted by URN. */
  readonly resources: readonly PlannedResource[];
  /** The stack's exports (a platform stack's are what domain stacks read). */
  readonly outputs: Readonly<Record<string, unknown>>;
}

/**
 * Runs the real program in this process under pulumi.runtime.setMocks and records every registration.
 * One plan per process: the Pulumi SDK keeps global state. With `preview`, values are known or unknown as under
 * `pulumi preview` of a first deployment (cli/plan/mocks.ts); otherwise every value is known, as at `pulumi up`.
 */
export async function runOfflinePlan(root: string, stack: StackConfig, platformOutputs?: Record<string, unknown>, opts: { preview?: boolean } = {}): Promise<OfflinePlan> {
  const preview = opts.preview ?? false;
  // By default a domain stack reads what the platform plan of the same manifests exports (its masks included).
  const platform = platformOutputs ?? projectPlatformOutputs(root, stack.settings);
  await pulumi.runtime.setMocks(planMocks(stack.settings, platform, stack.project, preview), stack.project, stack.stack, preview, OFFLINE_ORGANIZATION);
  pulumi.runtime.setAllConfig({ ...stack.config }, [...stack.secretKeys]);
  useEngineUrns();
  const recorded = recordRegistrations();
  const outputs: Record<string, unknown> = {};
  recordStackOutputs(outputs);
  // An error thrown inside an apply (a missing platform output, say) rejects outputs nobody awaits: collect them
  // and fail the plan with the first, instead of crashing the process.
  // The handler stays for the life of the process (one plan per process): the same rejection resurfaces through
  // every output that depends on it.
  const failures: unknown[] = [];
  process.on("unhandledRejection", (e) => failures.push(e));
  // Loaded only now: its resources must register against the mocks.
  const { program } = await import("../../program");
  // Pulumi prefixes the path of every input it was serializing; the cause is what follows.
  const cause = (e: unknown) => new Error(String(e instanceof Error ? e.message : e).replace(/^(error serializing property "[^"]*": )+/, ""));
  try {
    await pulumi.runtime.runInPulumiStack(() => program(root));
    await settle();
    await new Promise((done) => setImmediate(done));
  } catch (e) {
    throw cause(e);
  }
  if (failures.length > 0) throw cause(failures[0]);
  const resources = [...recorded].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return { project: stack.project, stack: stack.stack, resources, outputs };
}
