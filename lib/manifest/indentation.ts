// Finds the first line of a YAML file whose indentation cannot be right, so that a file the parser refuses gets one
// error that names the line and the indentation expected, instead of the parser's cascade of follow-on errors. Used
// only after the YAML parser failed. Manifests are block-style YAML, which this follows: flow collections ([...],
// {...}) and block scalars (| and >) are skipped, and a list may sit at its key's indentation.

export interface IndentationHint {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly allowed: string;
}

/** Brackets still open after a line of flow content, ignoring quoted text and comments. */
function bracketDelta(content: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < content.length; i++) {
    const ch = content[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "#" && (i === 0 || content[i - 1] === " ")) break;
    else if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") depth--;
  }
  return depth;
}

/** What a line's `key:` ends with: nothing (a nested block follows), a block scalar indicator, or a value. */
function ending(text: string): "block" | "scalar" | "value" {
  const t = text.replace(/(^|\s)#.*$/, "").trimEnd();
  if (/^("[^"]*"|'[^']*'|[^\s"'#][^#]*?):$/.test(t)) return "block";
  if (/:\s+[|>][+-]?[0-9]?$/.test(t)) return "scalar";
  return "value";
}

interface Level {
  readonly indent: number;
  /** Keys (a mapping) or "- " items (a list) line up at this indentation. */
  kind: "map" | "seq" | undefined;
  /** A list at its key's indentation ("columns:" then "- name: x" in the same column). */
  readonly compact: boolean;
}

const bad = (line: number, indent: number, message: string, allowed: string): IndentationHint => ({ line, column: indent + 1, message, allowed });

/** The first line whose indentation no YAML reading of the lines above allows, and what would be allowed. */
export function indentationHint(input: string): IndentationHint | undefined {
  const lines = input.replace(/\r\n?/g, "\n").split("\n");
  const stack: Level[] = [{ indent: 0, kind: undefined, compact: false }];
  // Column of the key on the line above when it ends with ':' (a nested block may follow), else undefined.
  let opened: number | undefined;
  let scalarAbove: number | undefined;
  let flow = 0;
  for (let i = 0; i < lines.length; i++) {
    const lead = /^[ \t]*/.exec(lines[i])![0];
    const content = lines[i].slice(lead.length);
    if (scalarAbove !== undefined) {
      if (content === "" || lead.length > scalarAbove) continue;
      scalarAbove = undefined;
    }
    if (content === "" || content.startsWith("#") || /^(---|\.\.\.)(\s|$)/.test(lines[i])) continue;
    if (flow > 0) {
      flow = Math.max(0, flow + bracketDelta(content));
      continue;
    }
    const line = i + 1;
    if (lead.includes("\t")) return bad(line, lead.indexOf("\t"), "a tab in the indentation", "spaces only: YAML does not allow tabs in indentation");
    const indent = lead.length;
    const item = content === "-" || content.startsWith("- ");
    const kind = item ? "seq" : "map";
    const top = () => stack[stack.length - 1];
    if (indent > top().indent) {
      if (opened === undefined || indent <= opened) {
        return bad(line, indent, `this line is indented ${indent} spaces, deeper than the line above, which opens nothing to nest under`, `${top().indent} spaces, like the line above; or put it under a key that ends with ':'`);
      }
      stack.push({ indent, kind, compact: false });
    } else if (item && opened === indent && top().indent === indent) {
      stack.push({ indent, kind: "seq", compact: true });
    } else {
      while (stack.length > 1 && (top().indent > indent || (top().compact && top().indent === indent && !item))) stack.pop();
      if (top().indent !== indent) {
        const open = [...new Set(stack.map((l) => l.indent))].join(", ");
        return bad(line, indent, `this line is indented ${indent} spaces, which lines up with no key or list item above it`, `the indentation of the key or list item it belongs with: ${open} spaces here (YAML nests by indentation)`);
      }
      const level = top();
      if (level.kind === "seq" && !item) {
        return bad(line, indent, `this key is indented like the list items ("- ") above it`, `${indent + 2} spaces, to be a key of the item above; or a new item starting with "- "`);
      }
      if (level.kind === "map" && item) {
        return bad(line, indent, `this list item ("- ") is indented like the keys above it`, `the indentation of the list it belongs to (more than the key that holds the list)`);
      }
    }
    top().kind ??= kind;
    // After "- ", an item's own keys line up with its first one.
    let keyColumn = indent;
    let rest = content;
    if (item) {
      const after = /^-( +|$)/.exec(content)![0].length;
      keyColumn = indent + after;
      rest = content.slice(after);
      if (rest !== "") stack.push({ indent: keyColumn, kind: "map", compact: false });
    }
    const end = rest === "" ? "block" : ending(rest);
    opened = end === "block" ? (rest === "" ? indent : keyColumn) : undefined;
    if (end === "scalar") scalarAbove = keyColumn;
    flow = Math.max(0, bracketDelta(rest));
  }
  return undefined;
}
