// A deliberately small grammar for expectation and filter predicates. They end up inside Spark SQL expressions
// (F.expr on local Spark, DLT expectations on Databricks), so anything outside this grammar is refused at load time:
// statements, comments, quoted identifiers, backslashes, sub-queries and unknown names; `${` and `{{` anywhere (Spark
// and Lakeflow substitute `${...}` with configuration values, secrets included, even inside string literals:
// https://docs.databricks.com/aws/en/ldp/parameters); and regular expressions, which Spark runs with Java's
// backtracking engine, so one pattern can take exponential time per row.
import { unsafeTextProblem } from "../text";

const KEYWORDS = new Set([
  "and", "or", "not", "is", "null", "in", "between", "like", "ilike", "true", "false",
  "case", "when", "then", "else", "end", "cast", "as", "distinct", "from",
]);

/** Type names allowed after CAST(x AS ...). */
const CAST_TYPES = new Set(["string", "int", "bigint", "smallint", "tinyint", "double", "float", "date", "timestamp", "boolean", "decimal"]);

/** Functions a predicate may call. Pure, scalar and deterministic, or current date/time. */
export const PREDICATE_FUNCTIONS = [
  "abs", "ceil", "coalesce", "concat", "current_date", "current_timestamp", "date_add", "date_sub", "datediff",
  "day", "floor", "greatest", "isnotnull", "isnull", "least", "length", "lower", "month", "nullif",
  "round", "size", "substring", "to_date", "trim", "upper", "year",
] as const;
const FUNCTIONS = new Set<string>(PREDICATE_FUNCTIONS);

/** Words that would turn a predicate into a statement or a sub-query. */
const FORBIDDEN = new Set([
  "select", "insert", "update", "delete", "merge", "drop", "create", "alter", "grant", "revoke", "truncate",
  "union", "intersect", "except", "into", "exec", "execute", "call", "set", "use", "show", "describe", "table",
  "join", "lateral", "with", "values", "refresh", "optimize", "vacuum", "reorg", "copy", "load", "where", "having",
  "limit", "order", "group", "over", "window", "reflect", "java_method", "exists",
]);

const BOOLEAN_OPERATORS = new Set(["=", "==", "!=", "<>", "<", ">", "<=", ">=", "<=>"]);
const BOOLEAN_WORDS = new Set(["and", "or", "not", "is", "in", "between", "like", "ilike", "true", "false"]);
const BOOLEAN_FUNCTIONS = new Set(["isnull", "isnotnull"]);
/** Regular-expression operators and functions of Spark SQL. */
const REGEX = new Set(["rlike", "regexp", "regexp_like", "regexp_extract", "regexp_extract_all", "regexp_replace", "regexp_count", "regexp_instr", "regexp_substr", "split", "str_to_map"]);

export type PredicateCheck =
  | { readonly ok: true; readonly columns: readonly string[] }
  | { readonly ok: false; readonly problem: string; readonly allowed: string };

interface Token {
  readonly kind: "word" | "number" | "string" | "op" | "open" | "close" | "comma";
  readonly text: string;
}

const ALLOWED_TEXT =
  "one boolean predicate over this dataset's columns using comparisons, AND/OR/NOT, IS [NOT] NULL, IN, BETWEEN, " +
  "LIKE with a literal pattern of at most one % (or '%text%'), single-quoted strings without backslashes, '${' or '{{', " +
  "numbers and the functions " + PREDICATE_FUNCTIONS.join(", ");

/**
 * Why a LIKE pattern could be slow, or undefined. Spark matches LIKE with a Java regular expression (each % is
 * `.*`) unless the pattern is a prefix, suffix, prefix-and-suffix or `%text%`; two or more free `.*` make a
 * failing match quadratic or worse in the value's length. One % (or one at each end) keeps it linear.
 */
function likeProblem(pattern: string): string | undefined {
  const wildcards = pattern.split("%").length - 1;
  if (wildcards <= 1) return undefined;
  if (wildcards === 2 && pattern.startsWith("%") && pattern.endsWith("%") && pattern.length > 2 && !pattern.slice(1, -1).includes("_")) return undefined;
  return `LIKE pattern ${JSON.stringify(pattern)} has ${wildcards} '%' wildcards, which Spark matches with a backtracking regular expression`;
}

function fail(problem: string): PredicateCheck {
  return { ok: false, problem, allowed: ALLOWED_TEXT };
}

function tokenize(text: string): Token[] | string {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const rest = text.slice(i);
    if (/\s/.test(c)) { i++; continue; }
    if (rest.startsWith("--") || rest.startsWith("/*") || rest.startsWith("*/")) return "comments are not allowed";
    if (c === ";") return "';' is not allowed (one predicate, not statements)";
    if (c === "`" || c === '"') return `${c} quoting is not allowed (column names need no quoting)`;
    if (c === "\\") return "backslashes are not allowed";
    if (c === "'") {
      let j = i + 1;
      let s = "";
      for (;;) {
        if (j >= text.length) return "unterminated string literal";
        // Spark SQL reads a backslash as an escape inside string literals; refusing it keeps our lexing and Spark's identical.
        if (text[j] === "\\") return "backslashes are not allowed";
        if (text[j] === "'") {
          if (text[j + 1] === "'") { s += "'"; j += 2; continue; }
          break;
        }
        s += text[j++];
      }
      out.push({ kind: "string", text: s });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (word) { out.push({ kind: "word", text: word[0] }); i += word[0].length; continue; }
    const num = /^\d+(\.\d+)?/.exec(rest);
    if (num) { out.push({ kind: "number", text: num[0] }); i += num[0].length; continue; }
    const op = /^(<=>|<=|>=|<>|!=|==|\|\||[=<>+\-*/%])/.exec(rest);
    if (op) { out.push({ kind: "op", text: op[0] }); i += op[0].length; continue; }
    if (c === "(") { out.push({ kind: "open", text: c }); i++; continue; }
    if (c === ")") { out.push({ kind: "close", text: c }); i++; continue; }
    if (c === ",") { out.push({ kind: "comma", text: c }); i++; continue; }
    return `character ${JSON.stringify(c)} is not allowed`;
  }
  return out;
}

/**
 * Checks that `text` is one boolean predicate over `columns` (and which BOOLEAN columns exist, which may stand alone).
 * Returns the columns it reads.
 */
export function checkPredicate(
  text: string,
  columns: ReadonlySet<string>,
  booleanColumns: ReadonlySet<string> = new Set(),
  unknownColumn: (name: string) => { problem: string; allowed: string } = (name) => ({
    problem: `${JSON.stringify(name)} is not a column of this dataset`,
    allowed: `columns: ${[...columns].join(", ")}`,
  }),
): PredicateCheck {
  const unsafe = unsafeTextProblem(text);
  if (unsafe) return fail(`predicate ${unsafe}`);
  const tokens = tokenize(text);
  if (typeof tokens === "string") return fail(tokens);
  if (tokens.length === 0) return fail("predicate is empty");
  let depth = 0;
  let boolean = false;
  const used = new Set<string>();
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const next = tokens[k + 1];
    const prev = tokens[k - 1];
    if (t.kind === "open") { depth++; continue; }
    if (t.kind === "close") {
      depth--;
      if (depth < 0) return fail("unbalanced ')'");
      continue;
    }
    // Commas only separate function arguments and IN-list items, which always sit inside parentheses.
    if (t.kind === "comma") {
      if (depth === 0) return fail("',' outside a function call or IN list (one predicate only)");
      continue;
    }
    if (t.kind === "op") { if (BOOLEAN_OPERATORS.has(t.text)) boolean = true; continue; }
    if (t.kind !== "word") continue;
    const w = t.text.toLowerCase();
    if (FORBIDDEN.has(w)) return fail(`${JSON.stringify(t.text)} is not allowed in a predicate`);
    if (REGEX.has(w)) return fail(`${JSON.stringify(t.text)} is not allowed: Spark runs regular expressions with Java's backtracking engine, where one pattern can take exponential time per row`);
    if (w === "like" || w === "ilike") {
      if (next?.kind !== "string") return fail(`${t.text.toUpperCase()} needs a single-quoted pattern right after it`);
      const slow = likeProblem(next.text);
      if (slow) return fail(slow);
    }
    if (next?.kind === "open" && !KEYWORDS.has(w)) {
      if (!FUNCTIONS.has(w)) return fail(`function ${JSON.stringify(t.text)} is not allowed`);
      if (BOOLEAN_FUNCTIONS.has(w)) boolean = true;
      continue;
    }
    if (KEYWORDS.has(w)) {
      if (BOOLEAN_WORDS.has(w)) boolean = true;
      if (w === "from" && prev?.text.toLowerCase() !== "distinct") return fail('"FROM" is only allowed in IS [NOT] DISTINCT FROM');
      continue;
    }
    if (prev?.kind === "word" && prev.text.toLowerCase() === "as") {
      if (!CAST_TYPES.has(w)) return fail(`${JSON.stringify(t.text)} is not a type CAST may use`);
      continue;
    }
    if (FUNCTIONS.has(w) && (w === "current_date" || w === "current_timestamp")) continue;
    if (!columns.has(t.text)) return { ok: false, ...unknownColumn(t.text) };
    if (booleanColumns.has(t.text)) boolean = true;
    used.add(t.text);
  }
  if (depth !== 0) return fail("unbalanced '('");
  if (!boolean) return fail("predicate does not evaluate to a boolean");
  return { ok: true, columns: [...used].sort() };
}
