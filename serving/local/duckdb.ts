// The embedded backend: DuckDB in memory, holding the stack's tables under their Unity Catalog names
// (<catalog>.<schema>.<table>) and, in a second catalog `served`, one secured view per table that admits only the
// rows of the connection's tenant. Every tenant gets its own connections, on which the tenant is set once as a
// bound variable; the API's SQL names only the secured views (duckdbDialect below). That is the local counterpart
// of Databricks' per-tenant service principal under Unity Catalog's row filter: a query that forgot its tenant
// predicate still sees one tenant.
import { DuckDBConnection, DuckDBInstance, VARCHAR } from "@duckdb/node-api";
import { GDPR_TENANT_ID } from "../../lib/compile";
import { duckdbDialect, type Dialect } from "../../lib/serving";
import { ident } from "../../lib/sql";
import type { Params, QueryBackend } from "../backend";

export const TENANT_VARIABLE = "lakemesh_tenant";
export const SERVED_CATALOG = "served";
const TABLE = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

export interface LocalColumn {
  readonly name: string;
  readonly physicalType: string;
  readonly nullable: boolean;
}

/** DuckDB type of a manifest physical type. */
export function duckdbType(physicalType: string): string {
  if (physicalType === "STRING") return "VARCHAR";
  if (physicalType === "INT") return "INTEGER";
  if (physicalType === "TIMESTAMP_NTZ" || physicalType === "TIMESTAMP") return "TIMESTAMP";
  if (physicalType === "BINARY") return "BLOB";
  if (physicalType === "ARRAY<STRING>") return "VARCHAR[]";
  if (physicalType === "MAP<STRING,STRING>") return "MAP(VARCHAR, VARCHAR)";
  if (/^(BOOLEAN|TINYINT|SMALLINT|BIGINT|FLOAT|DOUBLE|DATE|DECIMAL\([0-9]{1,2},[0-9]{1,2}\))$/.test(physicalType)) return physicalType;
  throw new Error(`no DuckDB type for ${physicalType}`);
}

const q = (name: string) => `"${ident(name).slice(1, -1)}"`;
/** "catalog"."schema"."table" of a dotted name, each part a validated identifier. */
export function quotedTable(table: string): string {
  if (!TABLE.test(table)) throw new Error(`not a table name: ${JSON.stringify(table)}`);
  return table.split(".").map(q).join(".");
}

/** The secured view of a catalog table. */
export function servedRelation(table: string): string {
  if (!TABLE.test(table)) throw new Error(`not a table name: ${JSON.stringify(table)}`);
  const [, schema, name] = table.split(".");
  return `${q(SERVED_CATALOG)}.${q(schema)}.${q(name)}`;
}

/** One DuckDB connection, used by one query at a time. */
class Lane {
  private tail: Promise<unknown> = Promise.resolve();
  constructor(readonly conn: DuckDBConnection) {}
  run<T>(work: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const next = this.tail.then(() => work(this.conn));
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export interface DuckDbOptions {
  /** DuckDB worker threads. @default "2" */
  readonly threads?: string;
  /** Connections per tenant. @default 2 */
  readonly lanesPerTenant?: number;
}

export class DuckDbBackend implements QueryBackend {
  readonly dialect: Dialect = duckdbDialect(servedRelation);
  private readonly tenants = new Map<string, { lanes: Lane[]; next: number }>();
  private readonly schemas = new Set<string>();
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly admin: Lane,
    /** The Unity Catalog catalog whose tables this database holds. */
    readonly catalog: string,
    private readonly lanesPerTenant: number,
  ) {}

  static async open(catalog: string, o: DuckDbOptions = {}): Promise<DuckDbBackend> {
    const instance = await DuckDBInstance.create(":memory:", { threads: o.threads ?? "2" });
    const admin = new Lane(await instance.connect());
    const b = new DuckDbBackend(instance, admin, catalog, o.lanesPerTenant ?? 2);
    await b.exec(`ATTACH ':memory:' AS ${q(catalog)}`);
    await b.exec(`ATTACH ':memory:' AS ${q(SERVED_CATALOG)}`);
    return b;
  }

  /** Runs SQL on the administrative connection (seeding, local GDPR jobs): no tenant boundary. */
  async exec(sql: string, params: Params = {}): Promise<Record<string, unknown>[]> {
    return this.admin.run(async (c) => (await c.runAndReadAll(sql, { ...params }, types(params))).getRowObjectsJson() as Record<string, unknown>[]);
  }

  private async ensureSchema(catalog: string, schema: string): Promise<void> {
    const key = `${catalog}.${schema}`;
    if (this.schemas.has(key)) return;
    await this.exec(`CREATE SCHEMA IF NOT EXISTS ${q(catalog)}.${q(schema)}`);
    this.schemas.add(key);
  }

  /** Creates a table of the stack's catalog and its secured view (tenant key null: shared reference data). */
  async createTable(table: string, columns: readonly LocalColumn[], tenantKey: string | null): Promise<void> {
    const [catalog, schema] = table.split(".");
    if (catalog !== this.catalog) throw new Error(`${table} is not in catalog ${this.catalog}`);
    await this.ensureSchema(catalog, schema);
    await this.ensureSchema(SERVED_CATALOG, schema);
    await this.exec(`CREATE TABLE ${quotedTable(table)} (${columns.map((c) => `${q(c.name)} ${duckdbType(c.physicalType)}${c.nullable ? "" : " NOT NULL"}`).join(", ")})`);
    const filter = tenantKey === null ? "" : ` WHERE ${q(tenantKey)} = getvariable('${TENANT_VARIABLE}')`;
    await this.exec(`CREATE VIEW ${servedRelation(table)} AS SELECT * FROM ${quotedTable(table)}${filter}`);
  }

  /** Inserts rows (objects keyed by column name, values as JSON) with bound parameters, in batches. */
  async insertRows(table: string, columns: readonly LocalColumn[], rows: readonly Record<string, unknown>[]): Promise<void> {
    const cast = (c: LocalColumn, marker: string) => {
      const t = duckdbType(c.physicalType);
      return /\[\]$|^MAP/.test(t) ? `CAST(json(${marker}) AS ${t})` : t === "VARCHAR" ? marker : `CAST(${marker} AS ${t})`;
    };
    const text = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === "object" ? JSON.stringify(v) : String(v));
    for (let start = 0; start < rows.length; start += 100) {
      const batch = rows.slice(start, start + 100);
      const params: Record<string, string | null> = {};
      const tuples = batch.map((r, i) => `(${columns.map((c, j) => {
        params[`v${i}_${j}`] = text(r[c.name]);
        return cast(c, `$v${i}_${j}`);
      }).join(", ")})`);
      await this.exec(`INSERT INTO ${quotedTable(table)} (${columns.map((c) => q(c.name)).join(", ")}) VALUES ${tuples.join(", ")}`, params);
    }
  }

  private async lane(tenant: string): Promise<Lane> {
    if (this.closed) throw new Error("the backend is closed");
    if (!GDPR_TENANT_ID.test(tenant)) throw new Error("not a tenant id");
    let t = this.tenants.get(tenant);
    if (!t) {
      const lanes: Lane[] = [];
      for (let i = 0; i < this.lanesPerTenant; i++) {
        const conn = await this.instance.connect();
        await conn.run(`SET VARIABLE ${TENANT_VARIABLE} = $tenant`, { tenant }, { tenant: VARCHAR });
        lanes.push(new Lane(conn));
      }
      t = this.tenants.get(tenant) ?? { lanes, next: 0 };
      this.tenants.set(tenant, t);
    }
    t.next = (t.next + 1) % t.lanes.length;
    return t.lanes[t.next];
  }

  /** Runs a query in `tenant`'s session: its secured views admit only that tenant's rows. */
  async query(tenant: string, sql: string, params: Params): Promise<Record<string, unknown>[]> {
    const lane = await this.lane(tenant);
    return lane.run(async (c) => (await c.runAndReadAll(sql, { ...params }, types(params))).getRowObjectsJson() as Record<string, unknown>[]);
  }

  async ready(): Promise<void> {
    if (this.closed) throw new Error("closed");
    await this.exec("SELECT 1");
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.tenants.values()) for (const l of t.lanes) await l.run(async (c) => c.closeSync());
    await this.admin.run(async (c) => c.closeSync());
    this.instance.closeSync();
  }
}

function types(params: Params): Record<string, typeof VARCHAR> {
  return Object.fromEntries(Object.keys(params).map((k) => [k, VARCHAR]));
}
