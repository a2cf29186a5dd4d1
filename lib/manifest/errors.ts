import { printable } from "../text";

/** A located problem in a manifest file. Every loader and validator error has this shape. */
export interface ManifestError {
  /** File path as given to the loader, relative to the working directory when possible. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** Field path, e.g. `spec.datasets[2].columns[0].name`; `(file)` for whole-file problems. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
  /** What is allowed instead. */
  readonly allowed: string;
  /** Id of the check that produced the error (schema, yaml, or a semantic rule id). */
  readonly rule: string;
}

/**
 * `domains/<file>.yaml:LINE:COL: <field path>: <what is wrong>; <what is allowed>`, always one line: control,
 * ANSI and bidirectional characters of a file name or value are escaped (a CI log must not take them as commands).
 */
export function formatError(e: ManifestError): string {
  return printable(`${e.file}:${e.line}:${e.column}: ${e.path}: ${e.message}; ${e.allowed}`);
}

export function compareErrors(a: ManifestError, b: ManifestError): number {
  return (
    cmp(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    cmp(a.path, b.path) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts and removes exact duplicates (ajv can report one fault through two keywords). */
export function sortErrors(errors: readonly ManifestError[]): ManifestError[] {
  const seen = new Set<string>();
  const out: ManifestError[] = [];
  for (const e of [...errors].sort(compareErrors)) {
    const key = formatError(e);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(e);
    }
  }
  return out;
}

/** Quotes a user value for an error message: JSON-escaped, with no raw control or bidi characters, and shortened. */
export function quote(value: unknown, max = 60): string {
  let s: string;
  try {
    s = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  if (s.length > max) s = `${s.slice(0, max)}...`;
  return printable(JSON.stringify(s));
}
