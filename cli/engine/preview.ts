// `lakemesh preview` without the command line: a stack's config generated from its Pulumi.<stack>.yaml, the platform
// stand-in a domain stack reads, then `pulumi preview --policy-pack policies --json` through the real engine.
import * as path from "path";
import { projectPlatformOutputs } from "../plan/mocks";
import { OFFLINE_SECRET, type StackConfig } from "../plan/stack-config";
import { CONFIG_NAMESPACE, platformStackName } from "../../lib/compile";
import { allRules } from "../../policies/rules";
import { readPreviewEvents, type PreviewEvents } from "./events";
import { summarize, type PreviewSummary } from "./summary";
import { engineVersion, importOutputsOnly, prepareStack, runPulumi, type StackValues, type Workspace } from "./workspace";

/** A stack's config as the generated config file takes it: structured values as objects, secrets apart. */
export function stackValues(stack: StackConfig, overrides: Readonly<Record<string, unknown>> = {}, secrets: Readonly<Record<string, string>> = {}): StackValues {
  const plain: Record<string, unknown> = {};
  const secret: Record<string, string> = {};
  for (const [k, v] of Object.entries(stack.config)) {
    if (stack.secretKeys.includes(k)) secret[k] = OFFLINE_SECRET;
    else plain[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  }
  return { plain: { ...plain, ...overrides }, secrets: { ...secret, ...secrets } };
}

/** The local stack a domain stack's StackReference resolves to (the DIY backend has one organization). */
export function platformStandInName(stack: StackConfig): string {
  return platformStackName(stack.settings.env);
}

/**
 * For a domain stack: the platform stack it reads, as a stand-in holding only the platform's outputs (`outputs`, or
 * the ones the platform plan of the project's manifests exports, masks included, with the offline warehouse id).
 */
export async function importPlatformStandIn(ws: Workspace, stack: StackConfig, outputs?: Record<string, unknown>): Promise<string | undefined> {
  if (stack.settings.mode !== "domain") return undefined;
  const name = platformStandInName(stack);
  await importOutputsOnly(ws, name, outputs ?? projectPlatformOutputs(ws.root, stack.settings));
  return name;
}

export interface PreviewRun {
  readonly summary: PreviewSummary;
  readonly events: PreviewEvents;
  readonly stderr: string;
}

const DESCRIPTIONS = new Map(allRules.map((r) => [r.name, r.description]));

/**
 * Previews `stack` through the real engine with the policy pack: a fresh local stack, its config generated from the
 * stack file (secrets as placeholders), and, for a domain stack, the platform stand-in.
 */
export async function previewStack(
  ws: Workspace,
  stack: StackConfig,
  opts: { platformOutputs?: Record<string, unknown>; policyConfig?: string; overrides?: Readonly<Record<string, unknown>> } = {},
): Promise<PreviewRun> {
  await importPlatformStandIn(ws, stack, opts.platformOutputs);
  const file = await prepareStack(ws, stack.stack, stackValues(stack, opts.overrides), { fresh: true });
  const args = ["preview", "--stack", stack.stack, "--config-file", file, "--non-interactive", "--json", "--policy-pack", path.join(ws.root, "policies")];
  if (opts.policyConfig) args.push("--policy-pack-config", opts.policyConfig);
  const r = await runPulumi(ws, args, { env: { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" } });
  let events = readPreviewEvents(r.stdout);
  // A failure before the engine streams anything (a bad flag, a config error) is only on stderr.
  if (events.result === undefined && r.stderr.trim()) events = { ...events, diagnostics: [...events.diagnostics, { severity: "error", message: r.stderr.trim() }] };
  const summary = summarize(stack.stack, `${ws.engine.source === "path" ? "pulumi from PATH" : "prebuilt pulumi engine"} ${await engineVersion(ws)}`, events, r.code, DESCRIPTIONS);
  return { summary, events, stderr: r.stderr };
}

/** Config keys of the lakemesh namespace, for overrides: `lakemeshKey("kafka")` is `lakemesh:kafka`. */
export const lakemeshKey = (key: string) => `${CONFIG_NAMESPACE}:${key}`;
