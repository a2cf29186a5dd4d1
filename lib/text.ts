// Text from manifests, file names, stack files and command-line inputs reaches terminals, CI logs, SQL comments
// and Spark. These helpers say which of it is unsafe there and escape it for display. Pure, no dependencies.

/**
 * Characters that must never be printed raw: C0 and C1 controls (ESC starts ANSI sequences; CR and LF start a new
 * CI log line, where `::error::` and friends are commands), DEL, the Unicode line and paragraph separators, and the
 * bidirectional controls that reorder what a reviewer sees (Trojan Source, CVE-2021-42574). Lone surrogates are
 * matched separately: they are not characters at all and break UTF-8 encoders.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Controls a free text may not hold; tab and line feed are fine in a description. */
const TEXT_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

const hex = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** One line of display text: every unsafe character written as a `\uXXXX` escape. */
export function printable(text: string): string {
  return text.replace(UNSAFE, hex);
}

/** Display text of several lines: line feeds and tabs kept, every other unsafe character escaped. */
export function printableLines(text: string): string {
  return text
    .split("\n")
    .map((line) => line.split("\t").map(printable).join("\t"))
    .join("\n");
}

/** JSON for output: JSON.stringify escapes controls and lone surrogates; this escapes bidi controls and separators too. */
export function printableJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, hex);
}

/**
 * Why a free text (a description, a purpose, a predicate) may not reach SQL, Spark or a terminal as it is, or
 * undefined when it may. `${` is Spark's and Lakeflow's variable substitution (it reads configuration, including
 * secrets, into the text); `{{` is the syntax of Databricks secret and dynamic value references.
 */
export function unsafeTextProblem(text: string): string | undefined {
  if (text.includes("${")) return "holds '${', which Spark and Lakeflow pipelines replace with configuration values";
  if (text.includes("{{")) return "holds '{{', the syntax of Databricks secret and dynamic value references";
  const bidi = BIDI.exec(text);
  if (bidi) return `holds the bidirectional control character ${codePoint(bidi[0])}, which reorders displayed text`;
  if (LONE_SURROGATE.test(text)) return "holds a lone UTF-16 surrogate, which is not a character";
  const control = TEXT_CONTROL.exec(text);
  if (control) return `holds the control character ${codePoint(control[0])}`;
  return undefined;
}

function codePoint(c: string): string {
  return `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}
