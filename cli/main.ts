import { affectedCommand } from "./commands/affected";
import { catalogCommand } from "./commands/catalog";
import { diffCommand } from "./commands/diff";
import { exportCommand } from "./commands/export";
import { gdprCommand } from "./commands/gdpr";
import { planCommand } from "./commands/plan";
import { preflightCommand } from "./commands/preflight";
import { previewCommand } from "./commands/preview";
import { sampleCommand } from "./commands/sample";
import { stacksCommand } from "./commands/stacks";
import { upstreamCommand } from "./commands/upstream";
import { validateCommand } from "./commands/validate";
import { printable, printableLines } from "../lib/text";
import { Command, EXIT, Io, processIo, UsageError } from "./usage";

/** Every subcommand, by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  affected: affectedCommand,
  catalog: catalogCommand,
  diff: diffCommand,
  export: exportCommand,
  gdpr: gdprCommand,
  plan: planCommand,
  preflight: preflightCommand,
  preview: previewCommand,
  sample: sampleCommand,
  stacks: stacksCommand,
  upstream: upstreamCommand,
  validate: validateCommand,
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `Usage: lakemesh <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nRun 'lakemesh <command> --help' for a command's options.\n`;
}

/** Runs the CLI and returns its exit status. */
export async function main(argv: string[], given: Io = processIo): Promise<number> {
  // Last line of defence against terminal and CI-log injection: whatever a command prints, control, ANSI and
  // bidirectional characters come out escaped (line feeds and tabs are layout). Values are escaped where they are
  // put into messages too, line feeds included.
  const io: Io = { out: (t) => given.out(printableLines(t)), err: (t) => given.err(printableLines(t)), cwd: given.cwd };
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    io.out(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`lakemesh: unknown command ${printable(JSON.stringify(name))}\n\n${help()}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`lakemesh ${name}: ${e.message}\n\n${command.usage}`);
      return EXIT.usage;
    }
    io.err(`lakemesh ${name}: ${(e as Error).message}\n`);
    return EXIT.failed;
  }
}
