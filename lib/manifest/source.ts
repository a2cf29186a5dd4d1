import * as jsyaml from "js-yaml";
import {
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Node,
  parseAllDocuments,
  YAMLError,
} from "yaml";
import { ManifestError } from "./errors";
import { indentationHint } from "./indentation";
import { displayPath, FieldPath, toPointer } from "./paths";

/** Manifests larger than this are refused before parsing. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
/** At most this many alias expansions per file (a guard against "billion laughs" documents). */
export const MAX_ALIAS_EXPANSIONS = 100;

export interface SourcePos {
  readonly line: number;
  readonly column: number;
}

/** Where each field of a parsed manifest sits in its file. */
export interface SourceMap {
  /** Position of the value at `path`, else of its key, else of the nearest ancestor. */
  locate(path: FieldPath, prefer?: "value" | "key"): SourcePos;
}

/** Positions of a parsed manifest, keyed by JSON pointer. */
export class PositionIndex implements SourceMap {
  private readonly values = new Map<string, SourcePos>();
  private readonly keys = new Map<string, SourcePos>();

  setValue(path: FieldPath, pos: SourcePos): void {
    const p = toPointer(path);
    if (!this.values.has(p)) this.values.set(p, pos);
  }

  setKey(path: FieldPath, pos: SourcePos): void {
    const p = toPointer(path);
    if (!this.keys.has(p)) this.keys.set(p, pos);
  }

  /** Position of the value at `path`, else of its key, else of the nearest ancestor. */
  locate(path: FieldPath, prefer: "value" | "key" = "value"): SourcePos {
    const first = prefer === "key" ? this.keys : this.values;
    const second = prefer === "key" ? this.values : this.keys;
    for (let n = path.length; n >= 0; n--) {
      const p = toPointer(path.slice(0, n));
      const hit = first.get(p) ?? second.get(p);
      if (hit) return hit;
    }
    return { line: 1, column: 1 };
  }
}

export type ParsedSource =
  | { readonly ok: true; readonly value: unknown; readonly sourceMap: SourceMap }
  | { readonly ok: false; readonly errors: ManifestError[] };

function fileError(file: string, pos: SourcePos, path: string, message: string, allowed: string): ManifestError {
  return { file, line: pos.line, column: pos.column, path, message, allowed, rule: "yaml" };
}

/**
 * Parses with the `yaml` package, keeping the line and column of every key and value. This is the authority on
 * positions and on the wording of YAML errors; it is about ten times slower than js-yaml, so it runs only when
 * a file has an error to locate (see parseManifestSource).
 */
export function parseLocated(file: string, input: string): ParsedSource {
  // YAML reads a lone CR as a line break, the yaml package refuses it; both parsers get LF only.
  const text = input.replace(/\r\n?/g, "\n");
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_MANIFEST_BYTES) {
    return {
      ok: false,
      errors: [fileError(file, { line: 1, column: 1 }, "(file)", `file is ${bytes} bytes`, `at most ${MAX_MANIFEST_BYTES} bytes (1 MiB) per manifest`)],
    };
  }
  const lineCounter = new LineCounter();
  const at = (offset: number | undefined): SourcePos => {
    const p = lineCounter.linePos(offset ?? 0);
    return { line: p.line, column: p.col };
  };
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, version: "1.2" });
  const list: Document[] = Array.isArray(docs) ? docs : [];
  if (list.length > 1) {
    return {
      ok: false,
      errors: [fileError(file, at(list[1].range?.[0]), "(file)", `file holds ${list.length} YAML documents`, "exactly one DataDomain manifest per file")],
    };
  }
  const doc = list[0];
  const problems: ManifestError[] = [];
  const found = doc ? ([...doc.errors, ...doc.warnings] as YAMLError[]) : [];
  const syntax = found.filter((e) => e.code !== "DUPLICATE_KEY").sort((a, b) => (a.pos?.[0] ?? 0) - (b.pos?.[0] ?? 0));
  if (syntax.length > 0) return { ok: false, errors: [syntaxError(file, text, syntax, at)] };
  for (const e of found) {
    problems.push(fileError(file, at(e.pos?.[0]), "(file)", yamlMessage(e, text), "well-formed YAML 1.2 with unique keys and no custom tags"));
  }
  if (problems.length > 0) return { ok: false, errors: problems };
  if (!doc || doc.contents === null) {
    return { ok: false, errors: [fileError(file, { line: 1, column: 1 }, "(file)", "file holds no YAML document", "one DataDomain manifest per file")] };
  }

  const sourceMap = new PositionIndex();
  let expansions = 0;
  let bomb: SourcePos | undefined;

  const walk = (node: Node | null | undefined, path: (string | number)[]): void => {
    if (!node) return;
    if (isAlias(node)) {
      expansions++;
      if (expansions > MAX_ALIAS_EXPANSIONS) {
        bomb ??= at(node.range?.[0]);
        return;
      }
      walk(node.resolve(doc) as Node | undefined, path);
      return;
    }
    sourceMap.setValue(path, at(node.range?.[0]));
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const keyPos = at(key && "range" in key ? key.range?.[0] : undefined);
        if (!isScalar(key) || typeof key.value !== "string") {
          const shown = isScalar(key) ? JSON.stringify(key.value) : isAlias(key) ? "an alias" : "a collection";
          problems.push(fileError(file, keyPos, displayPath(path), `map key ${shown} is not a string`, "plain string keys only"));
          continue;
        }
        const child = [...path, key.value];
        sourceMap.setKey(child, keyPos);
        walk(pair.value as Node | null, child);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node, [...path, i]));
    }
  };
  walk(doc.contents as Node, []);

  if (bomb) {
    problems.push(
      fileError(file, bomb, "(file)", `aliases expand more than ${MAX_ALIAS_EXPANSIONS} times`, `at most ${MAX_ALIAS_EXPANSIONS} alias expansions per file`),
    );
  }
  if (problems.length > 0) return { ok: false, errors: problems };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (err) {
    return {
      ok: false,
      errors: [fileError(file, { line: 1, column: 1 }, "(file)", `YAML could not be read: ${(err as Error).message}`, "plain YAML data")],
    };
  }
  return { ok: true, value, sourceMap };
}

/**
 * One error for a file the parser cannot read: after the first mistake (mostly a line indented wrong) the parser's
 * further errors are consequences of it. The line that breaks the indentation, when one does, with what was expected;
 * else the parser's first error.
 */
function syntaxError(file: string, text: string, errors: readonly YAMLError[], at: (offset: number | undefined) => SourcePos): ManifestError {
  const first = errors[0];
  const parser = yamlMessage(first, text);
  const more = errors.length > 1 ? `; ${errors.length - 1} later parser error(s) follow from it` : "";
  const hint = indentationHint(text);
  if (hint) return fileError(file, { line: hint.line, column: hint.column }, "(file)", `${hint.message} (YAML parser: "${parser}"${more})`, hint.allowed);
  return fileError(file, at(first.pos?.[0]), "(file)", `${parser}${more}`, "well-formed YAML 1.2 with unique keys and no custom tags");
}

function yamlMessage(e: YAMLError, text: string): string {
  if (e.code === "DUPLICATE_KEY") {
    const key = /^[^:\n]*/.exec(text.slice(e.pos[0]))?.[0].trim() ?? "";
    return `duplicate key ${JSON.stringify(key.length > 60 ? key.slice(0, 60) + "..." : key)}`;
  }
  // The yaml package's messages are one line when prettyErrors is off; keep only the first line anyway.
  return e.message.split("\n")[0];
}

/** Positions computed on first use, by re-parsing with the `yaml` package. Valid files never pay for them. */
class LazySourceMap implements SourceMap {
  private index: SourceMap | undefined;
  constructor(
    private readonly file: string,
    private readonly text: string,
  ) {}
  locate(path: FieldPath, prefer: "value" | "key" = "value"): SourcePos {
    if (!this.index) {
      const r = parseLocated(this.file, this.text);
      this.index = r.ok ? r.sourceMap : { locate: () => ({ line: 1, column: 1 }) };
    }
    return this.index.locate(path, prefer);
  }
}

/** Upper bound on nodes after alias expansion; a 1 MiB manifest has far fewer, an alias bomb far more. */
const MAX_EXPANDED_NODES = 200_000;

function expandedNodesWithin(value: unknown, budget: number): boolean {
  const stack: unknown[] = [value];
  let n = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++n > budget) return false;
    if (Array.isArray(v)) stack.push(...v);
    else if (v !== null && typeof v === "object") stack.push(...Object.values(v));
  }
  return true;
}

/** True when the node that ends at `offset` is a mapping key: the next significant character is ':' then a blank. */
function followedByKeyIndicator(text: string, offset: number): boolean {
  let i = offset;
  for (;;) {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\r" || text[i] === "\n")) i++;
    if (text[i] === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    break;
  }
  return text[i] === ":" && (i + 1 >= text.length || /[\s,\]}]/.test(text[i + 1]));
}

/**
 * Parses one manifest file. Refuses oversized files, several documents, duplicate or non-string keys, unknown tags
 * and alias bombs, each with a located error. Valid files are read with js-yaml (YAML 1.2 core schema) and their
 * positions are computed only if a later check reports an error.
 */
export function parseManifestSource(file: string, input: string): ParsedSource {
  const text = input.replace(/\r\n?/g, "\n");
  if (Buffer.byteLength(text, "utf8") > MAX_MANIFEST_BYTES) return parseLocated(file, text);
  const docs: unknown[] = [];
  let suspect = false;
  let thrown: jsyaml.YAMLException | undefined;
  try {
    jsyaml.loadAll(text, (d) => docs.push(d), {
      schema: jsyaml.CORE_SCHEMA,
      // js-yaml turns every key into a string; catch the ones that were not strings in the file.
      listener(type, state) {
        if (!suspect && type === "close" && typeof state.result !== "string" && followedByKeyIndicator(text, state.position)) suspect = true;
      },
    });
  } catch (e) {
    suspect = true;
    if (e instanceof jsyaml.YAMLException) thrown = e;
  }
  if (suspect || docs.length !== 1 || docs[0] === null || docs[0] === undefined || !expandedNodesWithin(docs[0], MAX_EXPANDED_NODES)) {
    const located = parseLocated(file, text);
    if (!located.ok) return located;
    // The yaml package accepted what js-yaml refused (e.g. control characters): refuse it, with js-yaml's reason.
    const pos = thrown?.mark ? { line: thrown.mark.line + 1, column: thrown.mark.column + 1 } : { line: 1, column: 1 };
    const reason = thrown?.reason ?? "YAML that two parsers read differently";
    return { ok: false, errors: [fileError(file, pos, "(file)", reason, "plain YAML 1.2 data: printable characters, string keys, one document")] };
  }
  return { ok: true, value: docs[0], sourceMap: new LazySourceMap(file, text) };
}
