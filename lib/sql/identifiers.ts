// SQL text is built only from validated identifiers and fixed vocabulary; values are bound as parameters elsewhere.
// Each helper refuses anything outside its pattern instead of trying to escape it.

const IDENT = /^[a-z][a-z0-9_]{0,254}$/;
/** Account group or user names as Databricks allows them, minus backticks, quotes and control characters. */
const PRINCIPAL = /^[A-Za-z0-9][A-Za-z0-9 ._@+-]{0,127}$/;
/** Tag keys and values we set: enum words, ISO durations, domain names. */
const TAG_TEXT = /^[A-Za-z0-9_.:-]{1,256}$/;

export class SqlIdentifierError extends Error {}

declare const sqlBrand: unique symbol;
/** SQL text made by one of these helpers from validated parts. Templates accept nothing else. */
export type SqlText = string & { readonly [sqlBrand]: true };
const sql = (text: string) => text as SqlText;

/** A lower-case SQL identifier, backtick-quoted: `name`. */
export function ident(name: string): SqlText {
  if (!IDENT.test(name)) throw new SqlIdentifierError(`not a safe SQL identifier: ${JSON.stringify(name)}`);
  return sql("`" + name + "`");
}

/** A dotted, quoted name: `catalog`.`schema`.`table`. */
export function qualified(...parts: string[]): SqlText {
  return sql(parts.map(ident).join("."));
}

/** A dotted name given as one string, e.g. "cat.governance.tenant_filter". */
export function qualifiedName(dotted: string): SqlText {
  return qualified(...dotted.split("."));
}

/** An account principal (group, user or service principal application id), backtick-quoted. */
export function principal(name: string): SqlText {
  if (!PRINCIPAL.test(name)) throw new SqlIdentifierError(`not a safe principal name: ${JSON.stringify(name)}`);
  return sql("`" + name + "`");
}

/** A principal name as a SQL string literal, e.g. for is_account_group_member('group'). */
export function principalLiteral(name: string): SqlText {
  if (!PRINCIPAL.test(name)) throw new SqlIdentifierError(`not a safe principal name: ${JSON.stringify(name)}`);
  return sql(`'${name}'`);
}

/** A tag key or value as a SQL string literal. Only a plain vocabulary is allowed, so nothing needs escaping. */
export function tagLiteral(text: string): SqlText {
  if (!TAG_TEXT.test(text)) throw new SqlIdentifierError(`not a safe tag text: ${JSON.stringify(text)}`);
  return sql(`'${text}'`);
}

/**
 * Human text (descriptions) as a SQL string literal. Quotes and backslashes are replaced rather than escaped, because
 * whether a backslash escapes depends on the workspace's spark.sql.parser.escapedStringLiterals setting. The manifest
 * rules refuse the rest already (free-text); as a second line, controls and separators become spaces, bidirectional
 * controls and lone surrogates are dropped, and `${` / `{{` are broken up so no substitution can see them.
 */
export function commentLiteral(text: string): SqlText {
  const clean = text
    .replace(/'/g, "\u2019")
    .replace(/\\/g, "/")
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
    .replace(/\$(?=\{)|\{(?=\{)/g, "$& ")
    .slice(0, 1024)
    // Cutting may split a surrogate pair.
    .replace(/[\ud800-\udbff]$/, "");
  return sql(`'${clean}'`);
}

/** A fixed SQL snippet from this codebase (never user input), e.g. a type name or a mask expression. */
export function trusted(text: string): SqlText {
  return sql(text);
}

/** Joins SQL texts. */
export function joinSql(parts: readonly SqlText[], separator: string): SqlText {
  return sql(parts.join(separator));
}
