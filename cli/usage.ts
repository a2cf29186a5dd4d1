import { parseArgs, type ParseArgsConfig } from "util";

/** A command-line mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Where a command writes. Tests pass buffers; the binary passes process streams. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly cwd: string;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
};

export interface Command {
  readonly summary: string;
  readonly usage: string;
  run(argv: string[], io: Io): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

const HELP = { help: { type: "boolean", short: "h" } } as const;

/**
 * A command's arguments, parsed strictly with -h/--help added. A parse error becomes a UsageError. With --help it
 * prints the usage and gives undefined: the command then returns EXIT.ok.
 */
export function parseCommandArgs<const O extends Options>(argv: string[], io: Io, usage: string, options: O, allowPositionals = false) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals, options: { ...options, ...HELP } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  // Inside this generic function TypeScript cannot resolve the values' type; HELP guarantees the key.
  if ((parsed.values as { help?: boolean }).help) {
    io.out(usage);
    return undefined;
  }
  return parsed;
}

/** The value of a --format option: text or json. */
export function outputFormat(value: string | undefined): "text" | "json" {
  if (value !== "text" && value !== "json") throw new UsageError(`--format must be text or json, not ${JSON.stringify(value)}`);
  return value;
}
