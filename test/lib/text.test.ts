import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readRegularFile, UnreadableFileError } from "../../lib/read-file";
import { commentLiteral } from "../../lib/sql";
import { printable, printableJson, printableLines, unsafeTextProblem } from "../../lib/text";

describe("printable: display text that cannot drive a terminal or a CI log", () => {
  it.each([
    ["plain/path.yaml", "plain/path.yaml"],
    ["a\nb", "a\\u000ab"],
    ["\u001b[31mred", "\\u001b[31mred"],
    ["tab\there", "tab\\u0009here"],
    ["nel\u0085", "nel\\u0085"],
    ["rtl\u202egnp.exe", "rtl\\u202egnp.exe"],
    ["sep\u2028", "sep\\u2028"],
    ["lone\ud800", "lone\\ud800"],
    ["pair😀ok", "pair😀ok"],
    ["é名", "é名"],
  ])("%j", (text, shown) => {
    expect(printable(text)).toBe(shown);
  });

  it("keeps line feeds and tabs of multi-line output, escapes the rest", () => {
    expect(printableLines("a\tb\n\u001b[2Jc\r\n")).toBe("a\tb\n\\u001b[2Jc\\u000d\n");
  });

  it("writes JSON whose strings hold no raw bidi controls", () => {
    expect(printableJson({ f: "x\u202ey\u0007" })).toBe('{"f":"x\\u202ey\\u0007"}');
    expect(JSON.parse(printableJson({ f: "x\u202ey" }))).toEqual({ f: "x\u202ey" });
  });
});

describe("unsafeTextProblem", () => {
  it.each(["A description.", "Line one\nline two\twith a tab", "Costs $5 {per} user", "é 名 😀"])("accepts %j", (t) => {
    expect(unsafeTextProblem(t)).toBeUndefined();
  });
  it.each([
    ["x ${spark.lakemesh.subject_salt}", "holds '${', which Spark and Lakeflow pipelines replace with configuration values"],
    ["{{secrets/s/k}}", "holds '{{', the syntax of Databricks secret and dynamic value references"],
    ["a\u2066b", "holds the bidirectional control character U+2066, which reorders displayed text"],
    ["a\udc00", "holds a lone UTF-16 surrogate, which is not a character"],
    ["a\u001bb", "holds the control character U+001B"],
    ["a\rb", "holds the control character U+000D"],
  ])("refuses %j", (t, problem) => {
    expect(unsafeTextProblem(t)).toBe(problem);
  });
});

describe("commentLiteral: the last line of defence for text in SQL comments", () => {
  it("breaks substitution syntax, drops bidi controls and lone surrogates, replaces quotes and controls", () => {
    expect(commentLiteral("It's ${x} {{{y}}} \u202e\ud800 a\\b\u0085c")).toBe("'It\u2019s $ {x} { { {y}}}  a/b c'");
  });
  it("never ends in half a surrogate pair when it cuts", () => {
    const cut = commentLiteral("x".repeat(1023) + "😀");
    expect(cut).toBe(`'${"x".repeat(1023)}'`);
  });
});

describe("readRegularFile", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-read-"));
  const at = (n: string) => path.join(dir, n);
  fs.writeFileSync(at("ok.txt"), "héllo\n");
  fs.writeFileSync(at("big.txt"), "x".repeat(101));
  fs.writeFileSync(at("latin1.txt"), Buffer.from([0x68, 0xe9, 0x0a]));
  fs.symlinkSync(at("ok.txt"), at("link.txt"));
  fs.symlinkSync("/dev/zero", at("zero.txt"));
  fs.mkdirSync(at("dir.txt"));
  spawnSync("mkfifo", [at("fifo.txt")]);

  it("reads a regular UTF-8 file within the limit", () => {
    expect(readRegularFile(at("ok.txt"), 100)).toBe("héllo\n");
  });

  it.each([
    ["big.txt", "is 101 bytes"],
    ["latin1.txt", "is not valid UTF-8 text"],
    ["link.txt", "is a symbolic link"],
    ["zero.txt", "is a symbolic link"],
    ["dir.txt", "is a directory"],
    ["fifo.txt", "is a FIFO"],
    ["missing.txt", "does not exist"],
  ])("refuses %s: %s", (name, why) => {
    expect(() => readRegularFile(at(name), 100)).toThrow(new UnreadableFileError(why));
  });

  it("refuses a device", () => {
    expect(() => readRegularFile("/dev/null", 100)).toThrow(new UnreadableFileError("is a device"));
  });
});
