import * as path from "path";
import { formatError, readManifestFiles, sortErrors, validateMesh, type LoadedManifest } from "../../lib/manifest";
import { readRegularFile, UnreadableFileError } from "../../lib/read-file";
import { printable } from "../../lib/text";
import type { StackConfig } from "../plan/stack-config";
import { Io, UsageError } from "../usage";

/** The options of plan and preview that name a stack: --stack, --domain, --platform-outputs. */
export const STACK_OPTIONS = {
  stack: { type: "string" },
  domain: { type: "string" },
  "platform-outputs": { type: "string" },
} as const;

/** At most this many bytes of --platform-outputs (pulumi stack output --json of the platform stack). */
export const MAX_PLATFORM_OUTPUTS_BYTES = 4 * 1024 * 1024;

/** What plan and preview take from --stack, --domain and --platform-outputs. */
export interface StackArgs {
  readonly stack: StackConfig;
  /** The valid manifests of domains/. */
  readonly manifests: readonly LoadedManifest[];
  readonly platformOutputs?: Record<string, unknown>;
}

/**
 * Reads the stack's config, checks the manifests and reads --platform-outputs, as `lakemesh <command>` does before
 * running the program. Prints what is wrong and gives undefined (the command then exits 1); a missing --stack is a
 * usage error.
 */
export async function readStackArgs(command: string, io: Io, values: { stack?: string; domain?: string; "platform-outputs"?: string }): Promise<StackArgs | undefined> {
  if (!values.stack) throw new UsageError("--stack is required");
  const root = io.cwd;
  // Loaded lazily: the Pulumi SDK is only needed here.
  const { readStackConfig, StackConfigError } = await import("../plan/stack-config");
  let stack;
  try {
    stack = readStackConfig(root, values.stack, values.domain);
  } catch (e) {
    if (e instanceof StackConfigError) {
      io.err(`lakemesh ${command}: ${e.message}\n`);
      return undefined;
    }
    throw e;
  }
  const read = readManifestFiles([path.join(root, "domains")], root);
  const validated = validateMesh(read.files);
  const { stackManifestErrors } = await import("../../lib/compile");
  const errors = sortErrors([...read.errors, ...validated.errors, ...stackManifestErrors(stack.settings, validated.manifests)]);
  if (errors.length > 0) {
    for (const e of errors) io.err(formatError(e) + "\n");
    io.err(`lakemesh ${command}: ${errors.length} manifest error(s); nothing was written\n`);
    return undefined;
  }
  const file = values["platform-outputs"];
  const manifests = validated.manifests;
  if (!file) return { stack, manifests };
  try {
    const parsed: unknown = JSON.parse(readRegularFile(path.resolve(root, file), MAX_PLATFORM_OUTPUTS_BYTES));
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not a JSON object of stack outputs");
    return { stack, manifests, platformOutputs: parsed as Record<string, unknown> };
  } catch (e) {
    const why = e instanceof UnreadableFileError ? `file ${e.message}; a regular file of at most ${MAX_PLATFORM_OUTPUTS_BYTES} bytes` : (e as Error).message.slice(0, 200);
    io.err(`lakemesh ${command}: --platform-outputs ${printable(file)}: ${printable(why)}\n`);
    return undefined;
  }
}
