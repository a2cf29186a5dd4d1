// What a client may ask of a dataset endpoint, checked strictly before anything reaches a backend: field selection,
// sort, page size, cursor and filters on declared columns. Every name must be one of the dataset's compiled columns;
// every value must match its column's pattern. Anything else is a RequestError (HTTP 400) naming the parameter and
// what is allowed, never echoing the value.
import type { TypeFamily } from "../manifest";
import type { FilterOp, ServedColumn, ServedDataset } from "./catalog";

export class RequestError extends Error {
  constructor(
    /** The offending parameter, e.g. `sort` or `grant_date.gte`. */
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

const NAME = "[a-z][a-z0-9_]{0,62}";
/**
 * String filter values: bound as parameters anyway, but SQL metacharacters (quotes, backslash, semicolon, comment
 * markers, control characters) are refused so probing shows up as 400s in the audit instead of empty pages.
 */
const STRING_VALUE = "^(?!.*(--|/\\*|\\*/))[^\\u0000-\\u001f\\u007f'\"`;\\\\]{1,200}$";

/** The pattern a filter value of each type family must match (also the OpenAPI parameter pattern). */
export const VALUE_PATTERNS: Readonly<Partial<Record<TypeFamily, string>>> = {
  string: STRING_VALUE,
  boolean: "^(true|false)$",
  integer: "^-?[0-9]{1,18}$",
  number: "^-?[0-9]{1,20}(\\.[0-9]{1,12})?$",
  date: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
  timestamp: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?Z$",
};
export const FIELDS_PATTERN = `^${NAME}(,${NAME}){0,199}$`;
export const SORT_PATTERN = `^-?${NAME}(,-?${NAME}){0,3}$`;
export const CURSOR_PATTERN = "^[A-Za-z0-9_-]{16,4096}$";
export const LIMIT = { minimum: 1, maximum: 200, default: 50 } as const;
export const LIMIT_PATTERN = "^([1-9][0-9]?|1[0-9][0-9]|200)$";

export interface Filter {
  readonly column: string;
  readonly op: FilterOp;
  /** The value as given, already matched against its column's pattern; bound as a parameter and cast to the column type. */
  readonly value: string;
}
export interface SortKey {
  readonly column: string;
  readonly desc: boolean;
}
export interface ParsedQuery {
  readonly fields: readonly string[];
  readonly sort: readonly SortKey[];
  readonly filters: readonly Filter[];
  readonly limit: number;
  readonly cursor: string | null;
}

// Compiled once: these run on every request.
const VALUE_RE: Partial<Record<TypeFamily, RegExp>> = Object.fromEntries(Object.entries(VALUE_PATTERNS).map(([k, v]) => [k, new RegExp(v, "u")]));
const FIELDS_RE = new RegExp(FIELDS_PATTERN);
const SORT_RE = new RegExp(SORT_PATTERN);
const CURSOR_RE = new RegExp(CURSOR_PATTERN);
const LIMIT_RE = new RegExp(LIMIT_PATTERN);

const SQL_OP: Readonly<Record<FilterOp, string>> = { eq: "=", gt: ">", gte: ">=", lt: "<", lte: "<=" };
export const sqlOperator = (op: FilterOp) => SQL_OP[op];

/** The query parameter name of a column's filter: `<col>` for equality, `<col>.<op>` otherwise. */
export const filterParam = (column: string, op: FilterOp) => (op === "eq" ? column : `${column}.${op}`);

function validDate(text: string): boolean {
  const d = new Date(`${text.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text.slice(0, 10);
}

/** Checks a value against its column; returns it unchanged, or throws a RequestError. */
export function checkValue(col: ServedColumn, param: string, value: string): string {
  const pattern = VALUE_RE[col.family];
  if (!pattern || !pattern.test(value) || ((col.family === "date" || col.family === "timestamp") && !validDate(value))) {
    throw new RequestError(param, `${param}: not a valid ${col.physicalType} value; ${describeValue(col.family)}`);
  }
  return value;
}

function describeValue(f: TypeFamily): string {
  switch (f) {
    case "string":
      return "1 to 200 characters without quotes, backslash, semicolon, comment markers or control characters";
    case "boolean":
      return "true or false";
    case "integer":
      return "a whole number";
    case "number":
      return "a decimal number such as 12.50";
    case "date":
      return "a date YYYY-MM-DD";
    case "timestamp":
      return "a UTC timestamp YYYY-MM-DDTHH:MM:SS[.ffffff]Z";
    default:
      return "this column cannot be filtered";
  }
}

const one = (param: string, v: unknown): string => {
  if (typeof v !== "string") throw new RequestError(param, `${param}: give it once, as a single value`);
  return v;
};

/** Parses a dataset endpoint's query string. `query` is the raw key -> value(s) map of the request. */
export function parseQuery(ds: ServedDataset, query: Readonly<Record<string, unknown>>): ParsedQuery {
  const byName = new Map(ds.columns.map((c) => [c.name, c]));
  const filterParams = new Map<string, { col: ServedColumn; op: FilterOp }>();
  for (const c of ds.columns) for (const op of c.filters) filterParams.set(filterParam(c.name, op), { col: c, op });

  let fields = ds.columns.map((c) => c.name);
  let sort: SortKey[] = [];
  let limit: number = LIMIT.default;
  let cursor: string | null = null;
  const filters: Filter[] = [];

  for (const [param, raw] of Object.entries(query)) {
    if (param === "fields") {
      const v = one(param, raw);
      if (!FIELDS_RE.test(v)) throw new RequestError(param, "fields: a comma-separated list of column names");
      const names = v.split(",");
      const unknown = names.filter((n) => !byName.has(n));
      if (unknown.length > 0) throw new RequestError(param, `fields: ${unknown.length} unknown column(s); columns of ${ds.id}: ${[...byName.keys()].join(", ")}`);
      if (new Set(names).size !== names.length) throw new RequestError(param, "fields: a column is listed twice");
      fields = names;
    } else if (param === "sort") {
      const v = one(param, raw);
      if (!SORT_RE.test(v)) throw new RequestError(param, "sort: up to 4 column names, comma-separated, each optionally prefixed with - for descending");
      sort = v.split(",").map((s) => ({ column: s.replace(/^-/, ""), desc: s.startsWith("-") }));
      const bad = sort.filter((s) => !byName.get(s.column)?.sortable);
      if (bad.length > 0) throw new RequestError(param, `sort: not a sortable column of ${ds.id}; sortable: ${ds.columns.filter((c) => c.sortable).map((c) => c.name).join(", ")}`);
      if (new Set(sort.map((s) => s.column)).size !== sort.length) throw new RequestError(param, "sort: a column is listed twice");
    } else if (param === "limit") {
      const v = one(param, raw);
      if (!LIMIT_RE.test(v)) throw new RequestError(param, `limit: a whole number from ${LIMIT.minimum} to ${LIMIT.maximum}`);
      limit = Number(v);
    } else if (param === "cursor") {
      const v = one(param, raw);
      if (!CURSOR_RE.test(v)) throw new RequestError(param, "cursor: pass next_cursor from the previous page unchanged");
      cursor = v;
    } else {
      const f = filterParams.get(param);
      if (!f) throw new RequestError(param, `unknown query parameter; allowed: fields, sort, limit, cursor and the filters listed for ${ds.path} in the OpenAPI document`);
      filters.push({ column: f.col.name, op: f.op, value: checkValue(f.col, param, one(param, raw)) });
    }
  }
  filters.sort((a, b) => (filterParam(a.column, a.op) < filterParam(b.column, b.op) ? -1 : 1));
  return { fields, sort, filters, limit, cursor };
}
