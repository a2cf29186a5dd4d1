import * as fs from "fs";
import * as path from "path";
import { formatError, readManifestFiles, validateMesh, type LoadedManifest } from "../../lib/manifest";
import type { StackConfig } from "../plan/stack-config";
import { Io, UsageError } from "../usage";

/** The options of plan and preview that name a stack: --stack, --domain, --platform-outputs. */
export const STACK_OPTIONS = {
  stack: { type: "string" },
  domain: { type: "string" },
  "platform-outputs": { type: "string" },
} as const;

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
  const errors = [...read.errors, ...validated.errors];
  if (errors.length > 0) {
    for (const e of errors) io.err(formatError(e) + "\n");
    io.err(`lakemesh ${command}: ${errors.length} manifest error(s); nothing was written\n`);
    return undefined;
  }
  const file = values["platform-outputs"];
  const manifests = validated.manifests;
  if (!file) return { stack, manifests };
  try {
    return { stack, manifests, platformOutputs: JSON.parse(fs.readFileSync(path.resolve(root, file), "utf8")) };
  } catch (e) {
    io.err(`lakemesh ${command}: --platform-outputs ${file}: ${(e as Error).message}\n`);
    return undefined;
  }
}
