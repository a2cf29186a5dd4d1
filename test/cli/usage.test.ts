import { COMMANDS, main } from "../../cli/main";
import { Io, outputFormat, UsageError } from "../../cli/usage";
import { ROOT } from "../helpers/settings";


async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: ROOT };
  return { code: await main(argv, io), out, err };
}

// Every command parses its arguments through parseCommandArgs: the same help and the same strictness.
describe.each(Object.keys(COMMANDS))("lakemesh %s", (name) => {
  it.each([["--help"], ["-h"]])("prints its own usage with %s and exits 0 without doing anything else", async (flag) => {
    const r = await run([name, flag]);
    expect(r).toEqual({ code: 0, out: COMMANDS[name].usage, err: "" });
  });

  it("refuses an unknown option with exit 2 and its usage", async () => {
    const r = await run([name, "--no-such-option"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toContain("Unknown option '--no-such-option'");
    expect(r.err).toContain(`Usage: lakemesh ${name}`);
  });
});

describe("outputFormat", () => {
  it.each(["text", "json"] as const)("accepts %s", (f) => expect(outputFormat(f)).toBe(f));
  it.each([undefined, "", "xml", "JSON"])("refuses %j", (f) => expect(() => outputFormat(f)).toThrow(new UsageError(`--format must be text or json, not ${JSON.stringify(f)}`)));
});
