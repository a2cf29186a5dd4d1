// SQL of a dataset page, for either backend. Identifiers come only from the compiled catalog (and are checked
// again here); every value (tenant, subject, filter values, cursor keys) is a named parameter, cast to its column's
// declared type in SQL. The one number in the text, the page size, is an integer the request parser bounded.
import { ident as databricksIdent, qualifiedName } from "../sql";
import type { ServedColumn, ServedDataset, ServedPersona } from "./catalog";
import { sqlOperator, type ParsedQuery, type SortKey } from "./request";

/** How one engine spells identifiers, relations, parameter markers and casts. */
export interface Dialect {
  readonly name: string;
  /** A quoted column name. */
  ident(name: string): string;
  /** The relation queried for a catalog table (catalog.schema.table). */
  relation(table: string): string;
  /** The marker of a named parameter. */
  param(name: string): string;
  /** SQL type of a manifest physical type. */
  type(physicalType: string): string;
}

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const PHYSICAL = /^(STRING|BOOLEAN|TINYINT|SMALLINT|INT|BIGINT|FLOAT|DOUBLE|DATE|TIMESTAMP|TIMESTAMP_NTZ|DECIMAL\([0-9]{1,2},[0-9]{1,2}\))$/;

export class QueryBuildError extends Error {}

function checkedName(name: string): string {
  if (!NAME.test(name)) throw new QueryBuildError(`not a catalog column name: ${JSON.stringify(name)}`);
  return name;
}
function checkedType(t: string): string {
  if (!PHYSICAL.test(t)) throw new QueryBuildError(`not a filterable physical type: ${JSON.stringify(t)}`);
  return t;
}

/** Databricks SQL: backtick-quoted names, `:name` markers (named parameter markers). */
export const DATABRICKS_DIALECT: Dialect = {
  name: "databricks",
  ident: (n) => databricksIdent(checkedName(n)),
  relation: (t) => qualifiedName(t),
  param: (n) => `:${checkedName(n)}`,
  type: (t) => checkedType(t),
};

const DUCKDB_TYPES: Readonly<Record<string, string>> = { STRING: "VARCHAR", INT: "INTEGER", TIMESTAMP_NTZ: "TIMESTAMP" };

/**
 * DuckDB: double-quoted names, `$name` markers. `relation` maps a catalog table to the local engine's secured
 * view of it (see serving/local), never to the raw table.
 */
export function duckdbDialect(relation: (table: string) => string): Dialect {
  return {
    name: "duckdb",
    ident: (n) => `"${checkedName(n)}"`,
    relation,
    param: (n) => `$${checkedName(n)}`,
    type: (t) => DUCKDB_TYPES[checkedType(t)] ?? t,
  };
}

/** Who is asking: from the verified token only. */
export interface Scope {
  readonly persona: ServedPersona;
  readonly tenant: string;
  /** The data subject of an end user; null for client admins. */
  readonly subject: string | null;
}

/** A keyset position: the values of the order columns of the last row of the previous page. */
export type KeyValue = string | number | boolean | null;

export interface BuiltQuery {
  readonly sql: string;
  /** Named parameters, every value a string (cast in SQL) or null. */
  readonly params: Readonly<Record<string, string | null>>;
  /** Columns the query returns, in order. */
  readonly select: readonly string[];
  /** The full, unique order: the requested sort, then the row key. Cursor positions hold these columns' values. */
  readonly order: readonly SortKey[];
}

/** The full order of a page: requested sort keys, then the row key columns ascending (unique, so pages never overlap). */
export function pageOrder(ds: ServedDataset, sort: readonly SortKey[]): SortKey[] {
  const out = [...sort];
  for (const k of ds.key) if (!out.some((s) => s.column === k)) out.push({ column: k, desc: false });
  return out;
}

/**
 * The page query of `ds` for `scope`. The tenant predicate is always there for tenant datasets, the subject
 * predicate for end users; the catalog refuses to build a query for a persona the dataset is not served to.
 */
export function buildPageQuery(ds: ServedDataset, scope: Scope, q: ParsedQuery, after: readonly KeyValue[] | null, d: Dialect): BuiltQuery {
  if (!ds.personas.includes(scope.persona)) throw new QueryBuildError(`${ds.id} is not served to ${scope.persona}`);
  if (scope.persona === "end_user" && (!ds.subjectKey || !ds.tenantKey || !scope.subject)) throw new QueryBuildError(`${ds.id}: end users read only their own subject's rows`);
  const cols = new Map(ds.columns.map((c) => [c.name, c]));
  const col = (name: string): ServedColumn => {
    const c = cols.get(name);
    if (!c) throw new QueryBuildError(`${name} is not a column of ${ds.id}`);
    return c;
  };
  const params: Record<string, string | null> = {};
  let n = 0;
  const bind = (value: string | null, physicalType: string): string => {
    const name = `p${n++}`;
    params[name] = value;
    return physicalType === "STRING" ? d.param(name) : `CAST(${d.param(name)} AS ${d.type(physicalType)})`;
  };

  const where: string[] = [];
  if (ds.tenantKey) {
    params.tenant = scope.tenant;
    where.push(`${d.ident(ds.tenantKey)} = ${d.param("tenant")}`);
  }
  if (scope.persona === "end_user") {
    params.subject = scope.subject;
    where.push(`${d.ident(ds.subjectKey!)} = ${d.param("subject")}`);
  }
  for (const f of q.filters) {
    const c = col(f.column);
    if (!c.filters.includes(f.op)) throw new QueryBuildError(`${f.column} has no ${f.op} filter`);
    where.push(`${d.ident(c.name)} ${sqlOperator(f.op)} ${bind(f.value, c.physicalType)}`);
  }

  const order = pageOrder(ds, q.sort);
  if (after) {
    if (after.length !== order.length) throw new QueryBuildError("cursor position does not match the page order");
    where.push(`(${keysetAfter(order.map((o) => col(o.column)), order, after, d, bind)})`);
  }
  // The tenant and subject keys are always read, so the API can check every row against the caller's scope.
  const scopeKeys = [...(ds.tenantKey ? [ds.tenantKey] : []), ...(scope.persona === "end_user" ? [ds.subjectKey!] : [])];
  const select = [...new Set([...q.fields, ...order.map((o) => o.column), ...scopeKeys])].map((c) => col(c).name);
  // NULLS FIRST ascending and NULLS LAST descending: the order keysetAfter assumes.
  const orderBy = order.map((o) => `${d.ident(o.column)} ${o.desc ? "DESC NULLS LAST" : "ASC NULLS FIRST"}`).join(", ");
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 1000) throw new QueryBuildError("page size out of range");
  const sql =
    `SELECT ${select.map((c) => d.ident(c)).join(", ")} FROM ${d.relation(ds.table)}` +
    (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
    ` ORDER BY ${orderBy} LIMIT ${q.limit + 1}`;
  return { sql, params, select, order };
}

/**
 * Rows strictly after position `after` in `order`, with NULLs first ascending and last descending:
 * (c1 after v1) OR (c1 = v1 AND c2 after v2) OR ...
 */
function keysetAfter(cols: readonly ServedColumn[], order: readonly SortKey[], after: readonly KeyValue[], d: Dialect, bind: (v: string | null, t: string) => string): string {
  const text = (v: KeyValue) => (v === null ? null : String(v));
  const equal = (i: number) => (after[i] === null ? `${d.ident(cols[i].name)} IS NULL` : `${d.ident(cols[i].name)} = ${bind(text(after[i]), cols[i].physicalType)}`);
  const beyond = (i: number): string => {
    const c = d.ident(cols[i].name);
    const v = after[i];
    if (!order[i].desc) return v === null ? `${c} IS NOT NULL` : `${c} > ${bind(text(v), cols[i].physicalType)}`;
    return v === null ? "FALSE" : `(${c} < ${bind(text(v), cols[i].physicalType)} OR ${c} IS NULL)`;
  };
  const terms: string[] = [];
  for (let i = 0; i < order.length; i++) {
    const prefix = Array.from({ length: i }, (_, j) => equal(j));
    terms.push(`(${[...prefix, beyond(i)].join(" AND ")})`);
  }
  return terms.join(" OR ");
}
