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
