import * as jsyaml from "js-yaml";
import { printable } from "../text";
import { ManifestError, quote } from "./errors";
import { indentationHint } from "./indentation";
import { displayPath, FieldPath } from "./paths";

/** Manifests larger than this are refused before parsing. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
/** At most this many aliases per file (a guard against "billion laughs" documents). */
export const MAX_ALIAS_EXPANSIONS = 100;
/** Values per file, counted after alias expansion; the largest shipped manifest has about 1,000. */
export const MAX_EXPANDED_NODES = 200_000;
/** Keys of one mapping; the widest mapping of the schema has 17. */
export const MAX_KEYS_PER_MAP = 100;
/** Items of one list; the longest list the schema allows has 200. */
export const MAX_ITEMS_PER_LIST = 1000;
/** Nesting depth of values; a manifest is at most 8 levels deep. */
export const MAX_DEPTH = 32;
/** Values (scalars, mappings, lists) of all the manifests of one run: a typical domain holds under 1,000. */
export const MAX_MESH_VALUES = 1_000_000;

/** What is left of a run's value budget; parseManifestSource spends it, so a mesh of many large files stops early. */
export interface ValueBudget {
  remaining: number;
}

export interface SourcePos {
  readonly line: number;
  readonly column: number;
}

/** Where each field of a parsed manifest sits in its file. */
export interface SourceMap {
  /** Position of the value at `path` (or of its key), else of the nearest ancestor. */
  locate(path: FieldPath, prefer?: "value" | "key"): SourcePos;
}

export type ParsedSource =
  | { readonly ok: true; readonly value: unknown; readonly sourceMap: SourceMap }
  | { readonly ok: false; readonly errors: ManifestError[] };

const LIMITS = `at most ${MAX_KEYS_PER_MAP} keys per mapping, ${MAX_ITEMS_PER_LIST} items per list, ${MAX_DEPTH} levels of nesting and ${MAX_EXPANDED_NODES} values`;
const PLAIN_YAML = "plain YAML 1.2 data: printable characters, unique string keys, no custom tags, one document";

/** One node as js-yaml composed it: where it starts, what it is, and the nodes composed inside it, in file order. */
interface Composed {
  readonly start: number;
  /** Offset just after the node (and the blanks js-yaml skipped after it). */
  readonly end: number;
  readonly kind: string | null;
  readonly result: unknown;
  readonly children: Composed[];
}

/** Most nodes are scalars: they share this empty list of children instead of allocating their own. */
const NO_CHILDREN: Composed[] = Object.freeze([]) as unknown as Composed[];

/** Line and column of offsets, from one scan for line feeds done on first use. */
class Lines {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}
  at(offset: number): SourcePos {
    if (!this.starts) {
      this.starts = [0];
      for (let i = this.text.indexOf("\n"); i >= 0; i = this.text.indexOf("\n", i + 1)) this.starts.push(i + 1);
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

/** The key and value nodes of a mapping, or undefined when js-yaml's nodes do not pair up with its keys. */
function pairs(node: Composed): [Composed, Composed][] | undefined {
  const c = node.children;
  const result = node.result as object;
  if (c.length % 2 !== 0 || c.length !== 2 * Object.keys(result).length) return undefined;
  const out: [Composed, Composed][] = [];
  for (let i = 0; i < c.length; i += 2) out.push([c[i], c[i + 1]]);
  return out;
}

/** Positions of a parsed manifest, found by walking the composed nodes along a path. */
class ComposedSourceMap implements SourceMap {
  constructor(
    private readonly root: Composed,
    private readonly lines: Lines,
  ) {}

  locate(path: FieldPath, prefer: "value" | "key" = "value"): SourcePos {
    let node = this.root;
    let key: Composed | undefined;
    for (const seg of path) {
      let next: [Composed, Composed | undefined] | undefined;
      if (node.kind === "mapping") {
        const p = pairs(node)?.find(([k]) => String(k.result) === String(seg));
        if (p) next = [p[1], p[0]];
      } else if (node.kind === "sequence" && typeof seg === "number" && node.children.length === (node.result as unknown[]).length) {
        const item = node.children[seg];
        if (item) next = [item, undefined];
      }
      if (!next) break;
      [node, key] = next;
    }
    return this.lines.at(prefer === "key" && key ? key.start : node.start);
  }
}

/** A limit met while parsing, at an offset of the text. */
class LimitError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
    readonly allowed: string = LIMITS,
  ) {
    super(reason);
  }
}

/** Where a node's content starts: after blanks, line breaks and comments (an empty value keeps its line). */
function contentStart(text: string, offset: number, sameLine: boolean): number {
  let i = offset;
  for (;;) {
    const c = text[i];
    if (c === " " || c === "\t" || (!sameLine && c === "\n")) i++;
    else if (c === "#" && !sameLine) while (i < text.length && text[i] !== "\n") i++;
    else return i;
  }
}

/** Whether the node that starts at `offset` is a list: `-` or `[` after its anchor and tag, if any. */
function startsList(text: string, offset: number): boolean {
  let i = contentStart(text, offset, false);
  while (text[i] === "&" || text[i] === "!") {
    while (i < text.length && !/\s/.test(text[i])) i++;
    i = contentStart(text, i, false);
  }
  return text[i] === "[" || (text[i] === "-" && /[\s]/.test(text[i + 1] ?? " "));
}

/**
 * Whether a parsed value stays within the value, key, item and depth limits once aliases are expanded. Iterative
 * and stopping at the first excess: js-yaml shares aliased values, so a "billion laughs" document is small in
 * memory but not to walk.
 */
function withinLimits(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  let n = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++n > MAX_EXPANDED_NODES || depth > MAX_DEPTH) return false;
    if (Array.isArray(v)) {
      if (v.length > MAX_ITEMS_PER_LIST) return false;
      for (const item of v) stack.push([item, depth + 1]);
    } else if (v !== null && typeof v === "object") {
      const values = Object.values(v);
      if (values.length > MAX_KEYS_PER_MAP) return false;
      for (const item of values) stack.push([item, depth + 1]);
    }
  }
  return true;
}

/**
 * Parses one manifest file with one linear pass of js-yaml (YAML 1.2 core schema), keeping where every node starts.
 * Refuses oversized files, several documents, duplicate or non-string keys, unknown tags, alias bombs, and files
 * past the value, key, item or nesting limits, each with a located error. Limits are checked while parsing, so a
 * hostile file is refused after reading at most a bounded part of it.
 */
export function parseManifestSource(file: string, input: string, budget?: ValueBudget): ParsedSource {
  const fail = (pos: SourcePos, path: string, message: string, allowed: string): ParsedSource => ({
    ok: false,
    errors: [{ file, line: pos.line, column: pos.column, path, message, allowed, rule: "yaml" }],
  });
  // YAML parsers disagree on a lone CR (js-yaml breaks the line, the yaml package keeps it in a plain scalar), so a
  // file holding one could be read differently by another tool: refused. CRLF is read as LF; positions count LF only.
  const loneCr = input.search(/\r(?!\n)/);
  if (loneCr >= 0) {
    const before = input.slice(0, loneCr).replace(/\r\n/g, "\n");
    const line = before.split("\n").length;
    return fail({ line, column: loneCr - (input.slice(0, loneCr).lastIndexOf("\n") + 1) + 1 }, "(file)", "a carriage return (CR) that is not followed by a line feed", "line breaks as LF or CRLF");
  }
  const text = input.replace(/\r\n/g, "\n");
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_MANIFEST_BYTES) return fail({ line: 1, column: 1 }, "(file)", `file is ${bytes} bytes`, `at most ${MAX_MANIFEST_BYTES} bytes (1 MiB) per manifest`);

  const lines = new Lines(text);
  const docs: unknown[] = [];
  const roots: Composed[] = [];
  const open: { start: number; children: Composed[]; list?: boolean }[] = [];
  let events = 0;
  let aliases = 0;
  let firstAlias: number | undefined;
  try {
    jsyaml.loadAll(text, (d) => void docs.push(d), {
      schema: jsyaml.CORE_SCHEMA,
      // js-yaml nests two compose calls per list item; the value depth is checked below.
      maxDepth: 2 * MAX_DEPTH + 2,
      listener(type, state) {
        if (type === "open") {
          if (++events > 2 * MAX_EXPANDED_NODES) throw new LimitError(state.position, `file holds more than ${MAX_EXPANDED_NODES} values`);
          const parent = open[open.length - 1];
          // A mapping or list is refused as soon as it grows past its limit, not when it ends: a mapping holds two
          // nodes per key, a list one per item.
          if (parent && parent.children.length > 2 * MAX_KEYS_PER_MAP) {
            parent.list ??= startsList(text, parent.start);
            if (!parent.list) throw new LimitError(parent.start, `mapping has more than ${MAX_KEYS_PER_MAP} keys`);
            if (parent.children.length > MAX_ITEMS_PER_LIST) throw new LimitError(parent.start, `list has more than ${MAX_ITEMS_PER_LIST} items`);
          }
          open.push({ start: state.position, children: NO_CHILDREN });
          return;
        }
        const frame = open.pop()!;
        const empty = state.kind === null && state.result === null;
        let node: Composed = { start: contentStart(text, frame.start, empty), end: state.position, kind: state.kind, result: state.result, children: frame.children };
        // js-yaml composes some nodes twice, one inside the other: keep the inner one.
        if (node.children.length === 1 && node.children[0].kind === node.kind && Object.is(node.children[0].result, node.result)) node = node.children[0];
        // Spent per value, not per compose call: a list item composed twice is one value. Nodes still open are
        // bounded by the nesting limit, so counting when a node ends stops a run as early as counting when it starts.
        else if (budget && --budget.remaining < 0) throw new LimitError(node.start, `the manifests of this run hold more than ${MAX_MESH_VALUES} values`, `at most ${MAX_MESH_VALUES} values in all the manifests of one run`);
        if (state.kind === null && state.result !== null && node.children.length === 0) {
          firstAlias ??= node.start;
          if (++aliases > MAX_ALIAS_EXPANSIONS) throw new LimitError(node.start, `aliases are used more than ${MAX_ALIAS_EXPANSIONS} times`);
        }
        if (Array.isArray(node.result) && node.result.length > MAX_ITEMS_PER_LIST) throw new LimitError(node.start, `list has ${node.result.length} items`);
        if (node.kind === "mapping") {
          const keys = Object.keys(node.result as object).length;
          if (keys > MAX_KEYS_PER_MAP) throw new LimitError(node.start, `mapping has ${keys} keys`);
        }
        const parent = open[open.length - 1];
        if (!parent) roots.push(node);
        else if (parent.children === NO_CHILDREN) parent.children = [node];
        else parent.children.push(node);
      },
      // maxDepth is an option of js-yaml 4.3 that @types/js-yaml does not list yet.
    } as jsyaml.LoadOptions);
  } catch (e) {
    if (e instanceof LimitError) return fail(lines.at(contentStart(text, e.offset, false)), "(file)", e.reason, e.allowed);
    if (e instanceof jsyaml.YAMLException) {
      const pos = e.mark ? { line: e.mark.line + 1, column: e.mark.column + 1 } : { line: 1, column: 1 };
      if (e.reason?.startsWith("nesting exceeded maxDepth")) return fail(pos, "(file)", `nesting is deeper than ${MAX_DEPTH} levels`, LIMITS);
      const reason = e.reason === "duplicated mapping key" ? `duplicate key ${quote(/^[^:\n]*/.exec(text.slice(e.mark?.position ?? 0))![0].trim())}` : e.reason;
      // Mostly a line indented wrong: name the line that breaks the indentation, with what was expected.
      const hint = e.reason === "duplicated mapping key" ? undefined : indentationHint(text);
      if (hint) return fail({ line: hint.line, column: hint.column }, "(file)", `${hint.message} (YAML parser: "${reason ?? "not YAML"}")`, hint.allowed);
      return fail(pos, "(file)", reason ?? "not YAML", PLAIN_YAML);
    }
    // The parser recurses per nesting level; anything else it throws is still this file's problem only.
    return fail({ line: 1, column: 1 }, "(file)", e instanceof RangeError ? "nesting is too deep to read" : `YAML could not be read: ${String((e as Error)?.message ?? e)}`, LIMITS);
  }
  if (docs.length > 1) return fail(lines.at(roots[1]?.start ?? 0), "(file)", `file holds ${docs.length} YAML documents`, "exactly one DataDomain manifest per file");
  if (docs.length === 0 || docs[0] === null || docs[0] === undefined) return fail({ line: 1, column: 1 }, "(file)", "file holds no YAML document", "one DataDomain manifest per file");
  const keyProblems = nonStringKeys(file, text, lines, roots[0]);
  if (keyProblems.length > 0) return { ok: false, errors: keyProblems };
  if (!withinLimits(docs[0])) return fail(lines.at(firstAlias ?? 0), "(file)", `values nest or expand past the limits${firstAlias !== undefined ? " through aliases" : ""}`, LIMITS);
  return { ok: true, value: docs[0], sourceMap: new ComposedSourceMap(roots[0], lines) };

}

/** True when the node that ends at `offset` is a mapping key: the next significant character is ':' then a blank. */
function followedByKeyIndicator(text: string, offset: number): boolean {
  const i = contentStart(text, offset, false);
  return text[i] === ":" && (i + 1 >= text.length || /[\s,\]}]/.test(text[i + 1]));
}

/**
 * js-yaml turns every key into a string: a key that was a number, a boolean, null, an alias or a collection in the
 * file is refused, located at the key, with the path of its mapping (the first 20 such keys).
 */
function nonStringKeys(file: string, text: string, lines: Lines, root: Composed): ManifestError[] {
  const out: ManifestError[] = [];
  const visit = (node: Composed, path: (string | number)[]) => {
    if (out.length >= 20) return;
    if (node.kind === "mapping") {
      const p = pairs(node);
      // Nodes that do not pair up (a flow entry without a value): find keys by the ':' that follows them.
      const keys = p ? p.map(([k]) => k) : node.children.filter((c) => !(c.kind === "scalar" && typeof c.result === "string") && followedByKeyIndicator(text, c.end));
      for (const k of keys) {
        if (k.kind === "scalar" && typeof k.result === "string") continue;
        const shown = k.kind === "scalar" ? printable(JSON.stringify(k.result)) : k.kind === null ? "an alias" : "a collection";
        const pos = lines.at(k.start);
        out.push({ file, line: pos.line, column: pos.column, path: displayPath(path), message: `map key ${shown} is not a string`, allowed: "plain string keys only", rule: "yaml" });
      }
      if (p) for (const [k, v] of p) visit(v, [...path, String(k.result)]);
      else for (const c of node.children) visit(c, path);
    } else if (node.kind === "sequence") {
      node.children.forEach((c, i) => visit(c, [...path, i]));
    }
  };
  visit(root, []);
  return out;
}
