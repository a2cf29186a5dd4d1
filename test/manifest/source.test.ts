import * as fs from "fs";
import * as path from "path";
import { formatError, MAX_ALIAS_EXPANSIONS, MAX_MANIFEST_BYTES, parseLocated, parseManifestSource } from "../../lib/manifest";

function errorsOf(text: string): string[] {
  const r = parseManifestSource("domains/x.yaml", text);
  return r.ok ? [] : r.errors.map(formatError);
}

describe("parseManifestSource", () => {
  it("keeps the line and column of keys and values", () => {
    const r = parseManifestSource("f.yaml", "a:\n  b:\n    - x\n    - { c: 2 }\n");
    if (!r.ok) throw new Error("expected a parse");
    expect(r.value).toEqual({ a: { b: ["x", { c: 2 }] } });
    expect(r.sourceMap.locate(["a", "b", 1, "c"])).toEqual({ line: 4, column: 12 });
    expect(r.sourceMap.locate(["a", "b", 1, "c"], "key")).toEqual({ line: 4, column: 9 });
    expect(r.sourceMap.locate(["a", "b", 0])).toEqual({ line: 3, column: 7 });
    // A path that does not exist falls back to its nearest ancestor.
    expect(r.sourceMap.locate(["a", "b", 1, "missing"])).toEqual({ line: 4, column: 7 });
  });

  it.each([
    ["duplicate keys", "a: 1\nb: 2\na: 3\n", ['domains/x.yaml:3:1: (file): duplicate key "a"; well-formed YAML 1.2 with unique keys and no custom tags']],
    ["a number as key", "a: 1\n12: x\n", ["domains/x.yaml:2:1: (root): map key 12 is not a string; plain string keys only"]],
    ["a boolean as key", "a:\n  true: x\n", ["domains/x.yaml:2:3: a: map key true is not a string; plain string keys only"]],
    ["a collection as key", "? [a, b]\n: x\n", ["domains/x.yaml:1:3: (root): map key a collection is not a string; plain string keys only"]],
    ["two documents", "a: 1\n---\nb: 2\n", ["domains/x.yaml:2:1: (file): file holds 2 YAML documents; exactly one DataDomain manifest per file"]],
    ["an empty file", "", ["domains/x.yaml:1:1: (file): file holds no YAML document; one DataDomain manifest per file"]],
    ["a custom tag", "a: !js/function bar\n", ["domains/x.yaml:1:4: (file): Unresolved tag: !js/function; well-formed YAML 1.2 with unique keys and no custom tags"]],
    ["a control character", "a: b\u0000\n", ["domains/x.yaml:1:5: (file): null byte is not allowed in input; plain YAML 1.2 data: printable characters, string keys, one document"]],
    [
      "broken syntax",
      "a: [1, 2\n",
      ["domains/x.yaml:2:1: (file): Flow sequence in block collection must be sufficiently indented and end with a ]; well-formed YAML 1.2 with unique keys and no custom tags"],
    ],
  ])("rejects %s", (_name, text, expected) => {
    expect(errorsOf(text)).toEqual(expected);
  });

  it("rejects an alias bomb before expanding it", () => {
    const lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 9; i++) lines.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(", ")}]`);
    const started = Date.now();
    expect(errorsOf(lines.join("\n") + "\n")).toEqual([
      `domains/x.yaml:3:10: (file): aliases expand more than ${MAX_ALIAS_EXPANSIONS} times; at most ${MAX_ALIAS_EXPANSIONS} alias expansions per file`,
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("accepts numbers, booleans and nulls as values", () => {
    const r = parseManifestSource("f.yaml", "a: 12\nb: true\nc: [1, { d: 2.5 }]\ne: null\nf: 'x: y'\n");
    expect(r.ok && r.value).toEqual({ a: 12, b: true, c: [1, { d: 2.5 }], e: null, f: "x: y" });
  });

  it("reads the shipped manifests the same with both parsers", () => {
    const dir = path.join(__dirname, "..", "..", "domains");
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
      const text = fs.readFileSync(path.join(dir, name), "utf8");
      const fast = parseManifestSource(name, text);
      const located = parseLocated(name, text);
      expect(fast.ok && located.ok).toBe(true);
      expect(fast.ok && fast.value).toEqual(located.ok && located.value);
    }
  });

  it("accepts a few aliases", () => {
    const r = parseManifestSource("f.yaml", "base: &c { name: x }\nlist: [*c, *c]\n");
    expect(r.ok && r.value).toEqual({ base: { name: "x" }, list: [{ name: "x" }, { name: "x" }] });
  });

  it("rejects a file over 1 MiB without parsing it", () => {
    const text = "a: " + "x".repeat(MAX_MANIFEST_BYTES) + "\n";
    expect(errorsOf(text)).toEqual([`domains/x.yaml:1:1: (file): file is ${MAX_MANIFEST_BYTES + 4} bytes; at most 1048576 bytes (1 MiB) per manifest`]);
  });
});
