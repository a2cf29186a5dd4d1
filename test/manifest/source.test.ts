import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { formatError, MAX_ALIAS_EXPANSIONS, MAX_ITEMS_PER_LIST, MAX_KEYS_PER_MAP, MAX_MANIFEST_BYTES, MAX_MESH_VALUES, parseManifestSource } from "../../lib/manifest";

const LIMITS = `at most ${MAX_KEYS_PER_MAP} keys per mapping, ${MAX_ITEMS_PER_LIST} items per list, 32 levels of nesting and 200000 values`;

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
    ["duplicate keys", "a: 1\nb: 2\na: 3\n", ['domains/x.yaml:3:1: (file): duplicate key "a"; plain YAML 1.2 data: printable characters, unique string keys, no custom tags, one document']],
    ["a number as key", "a: 1\n12: x\n", ["domains/x.yaml:2:1: (root): map key 12 is not a string; plain string keys only"]],
    ["a boolean as key", "a:\n  true: x\n", ["domains/x.yaml:2:3: a: map key true is not a string; plain string keys only"]],
    ["a collection as key", "? [a, b]\n: x\n", ["domains/x.yaml:1:3: (root): map key a collection is not a string; plain string keys only"]],
    ["two documents", "a: 1\n---\nb: 2\n", ["domains/x.yaml:3:1: (file): file holds 2 YAML documents; exactly one DataDomain manifest per file"]],
    ["an empty file", "", ["domains/x.yaml:1:1: (file): file holds no YAML document; one DataDomain manifest per file"]],
    ["a custom tag", "a: !js/function bar\n", ["domains/x.yaml:1:20: (file): unknown tag !<!js/function>; plain YAML 1.2 data: printable characters, unique string keys, no custom tags, one document"]],
    ["a control character", "a: b\u0000\n", ["domains/x.yaml:1:5: (file): null byte is not allowed in input; plain YAML 1.2 data: printable characters, unique string keys, no custom tags, one document"]],
    [
      "broken syntax",
      "a: [1, 2\n",
      ["domains/x.yaml:2:1: (file): unexpected end of the stream within a flow collection; plain YAML 1.2 data: printable characters, unique string keys, no custom tags, one document"],
    ],
  ])("rejects %s", (_name, text, expected) => {
    expect(errorsOf(text)).toEqual(expected);
  });

  it("rejects an alias bomb before expanding it", () => {
    const lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 9; i++) lines.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(", ")}]`);
    const started = Date.now();
    expect(errorsOf(lines.join("\n") + "\n")).toEqual([`domains/x.yaml:2:10: (file): values nest or expand past the limits through aliases; ${LIMITS}`]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("accepts numbers, booleans and nulls as values", () => {
    const r = parseManifestSource("f.yaml", "a: 12\nb: true\nc: [1, { d: 2.5 }]\ne: null\nf: 'x: y'\n");
    expect(r.ok && r.value).toEqual({ a: 12, b: true, c: [1, { d: 2.5 }], e: null, f: "x: y" });
  });

  it("reads the shipped manifests as an independent YAML 1.2 parser does", () => {
    const dir = path.join(__dirname, "..", "..", "domains");
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
      const text = fs.readFileSync(path.join(dir, name), "utf8");
      const fast = parseManifestSource(name, text);
      const [doc] = parseAllDocuments(text, { version: "1.2" }) as ReturnType<typeof parseAllDocuments> & unknown[];
      expect(fast.ok).toBe(true);
      expect(fast.ok && fast.value).toEqual(doc.toJS());
    }
  });

  it("accepts a few aliases", () => {
    const r = parseManifestSource("f.yaml", "base: &c { name: x }\nlist: [*c, *c]\n");
    expect(r.ok && r.value).toEqual({ base: { name: "x" }, list: [{ name: "x" }, { name: "x" }] });
  });

  it.each([
    ["too many aliases", `a: &a x\nb: [${Array(MAX_ALIAS_EXPANSIONS + 1).fill("*a").join(", ")}]\n`, `domains/x.yaml:2:${5 + 4 * MAX_ALIAS_EXPANSIONS}: (file): aliases are used more than ${MAX_ALIAS_EXPANSIONS} times; ${"LIMITS"}`],
    ["a wide mapping", Array.from({ length: MAX_KEYS_PER_MAP + 1 }, (_, i) => `k${i}: 1`).join("\n") + "\n", `domains/x.yaml:1:1: (file): mapping has more than ${MAX_KEYS_PER_MAP} keys; ${"LIMITS"}`],
    ["a mapping far past the key limit before it ends", Array.from({ length: 32_000 }, (_, i) => `k${i}: 1`).join("\n") + "\n", `domains/x.yaml:1:1: (file): mapping has more than ${MAX_KEYS_PER_MAP} keys; ${"LIMITS"}`],
    ["a wide mapping whose first key starts with '-'", Array.from({ length: 300 }, (_, i) => `-k${i}: 1`).join("\n") + "\n", `domains/x.yaml:1:1: (file): mapping has more than ${MAX_KEYS_PER_MAP} keys; ${"LIMITS"}`],
    ["a long list", `a: [${Array(MAX_ITEMS_PER_LIST + 1).fill("1").join(",")}]\n`, `domains/x.yaml:1:4: (file): list has ${MAX_ITEMS_PER_LIST + 1} items; ${"LIMITS"}`],
    ["a 130,000-item flow list before it ends", `a: [${Array(130_000).fill("1").join(",")}]\n`, `domains/x.yaml:1:4: (file): list has more than ${MAX_ITEMS_PER_LIST} items; ${"LIMITS"}`],
    ["deep nesting", "a: " + "[".repeat(5000) + "]".repeat(5000) + "\n", "domains/x.yaml:1:69: (file): nesting is deeper than 32 levels; LIMITS"],
  ])("refuses %s, located", (_name, text, expected) => {
    expect(errorsOf(text)).toEqual([expected.replace("LIMITS", LIMITS)]);
  });

  it("tells a list from a mapping by its first character: a long list whose first item starts with '-' is a list", () => {
    expect(errorsOf(`- -x: 1\n${Array.from({ length: 300 }, () => "- a").join("\n")}\n`)).toEqual([]);
    expect(errorsOf(`l: &a !!seq\n${Array.from({ length: 300 }, () => "  - a").join("\n")}\n`)).toEqual([]);
  });

  it("locates keys and values of nodes js-yaml composes twice (list items, flow mappings)", () => {
    const r = parseManifestSource("f.yaml", "l:\n  - name: a\n    x: { y: 1 }\n  - *z\n" .replace("*z", "b"));
    if (!r.ok) throw new Error("expected a parse");
    expect(r.sourceMap.locate(["l", 0, "x", "y"])).toEqual({ line: 3, column: 13 });
    expect(r.sourceMap.locate(["l", 0, "x"], "key")).toEqual({ line: 3, column: 5 });
    expect(r.sourceMap.locate(["l", 1])).toEqual({ line: 4, column: 5 });
  });

  it("spends one value of a run's budget per value (a list item composed twice is one), and stops located when it runs out", () => {
    // Root mapping, key l, the list and its three items, key m and its value: 8 values.
    const text = "l:\n  - a\n  - b\n  - c\nm: 1\n";
    const budget = { remaining: 100 };
    expect(parseManifestSource("domains/x.yaml", text, budget).ok).toBe(true);
    expect(budget.remaining).toBe(92);
    // The same file with 7 values left: the 8th, the root mapping that ends last, is refused.
    const short = parseManifestSource("domains/y.yaml", text, { remaining: 7 });
    expect(short.ok ? [] : short.errors.map(formatError)).toEqual([`domains/y.yaml:1:1: (file): the manifests of this run hold more than ${MAX_MESH_VALUES} values; at most ${MAX_MESH_VALUES} values in all the manifests of one run`]);
    // Spent across files: a run whose budget is gone refuses the next file at its first value.
    const spent = { remaining: 0 };
    const next = parseManifestSource("domains/z.yaml", "a: 1\n", spent);
    expect(next.ok ? [] : next.errors.map(formatError)).toEqual([`domains/z.yaml:1:1: (file): the manifests of this run hold more than ${MAX_MESH_VALUES} values; at most ${MAX_MESH_VALUES} values in all the manifests of one run`]);
  });

  it("rejects a file over 1 MiB without parsing it", () => {
    const text = "a: " + "x".repeat(MAX_MANIFEST_BYTES) + "\n";
    expect(errorsOf(text)).toEqual([`domains/x.yaml:1:1: (file): file is ${MAX_MANIFEST_BYTES + 4} bytes; at most 1048576 bytes (1 MiB) per manifest`]);
  });

  it("reads CRLF as LF and refuses a lone CR, located (YAML parsers disagree on it)", () => {
    expect(parseManifestSource("domains/x.yaml", "a: 1\r\nb: 2\r\n")).toMatchObject({ ok: true, value: { a: 1, b: 2 } });
    expect(errorsOf("\rapiVersion: lakemesh/v1\n")).toEqual(["domains/x.yaml:1:1: (file): a carriage return (CR) that is not followed by a line feed; line breaks as LF or CRLF"]);
    expect(errorsOf("a: 1\r\nb: x\ry\n")).toEqual(["domains/x.yaml:2:5: (file): a carriage return (CR) that is not followed by a line feed; line breaks as LF or CRLF"]);
  });
});
