// The deployed backend: a Databricks SQL warehouse through @databricks/sql (Thrift), one session per tenant,
// authenticated as that tenant's own service principal. Unity Catalog's row filter (governance.tenant_filter over
// tenant_principals) then admits only the tenant's rows whatever the SQL says; the catalog's bound predicates are
// the second line. Values travel as named parameters (`:name`), never in the text.
import { DATABRICKS_DIALECT, type Dialect } from "../../lib/serving";
import type { Params, QueryBackend } from "../backend";

/** The part of a driver session the backend uses (IDBSQLSession). */
export interface SqlSession {
  executeStatement(sql: string, options: { namedParameters?: Record<string, string | null>; maxRows?: number; queryTimeout?: number }): Promise<{ fetchAll(): Promise<object[]>; close(): Promise<unknown> }>;
  close(): Promise<unknown>;
}

/** Opens a session as the tenant's principal. */
export type SessionFactory = (tenant: string) => Promise<SqlSession>;

export class DatabricksBackend implements QueryBackend {
  readonly dialect: Dialect = DATABRICKS_DIALECT;
  private readonly sessions = new Map<string, Promise<SqlSession>>();

  constructor(
    private readonly open: SessionFactory,
    /** A tenant whose session answers readiness probes. */
    private readonly probeTenant: string,
  ) {}

  private session(tenant: string): Promise<SqlSession> {
    let s = this.sessions.get(tenant);
    if (!s) {
      s = this.open(tenant);
      // A failed open is not cached: the next request tries again.
      s.catch(() => this.sessions.delete(tenant));
      this.sessions.set(tenant, s);
    }
    return s;
  }

  async query(tenant: string, sql: string, params: Params): Promise<Record<string, unknown>[]> {
    const session = await this.session(tenant);
    const op = await session.executeStatement(sql, { namedParameters: { ...params }, maxRows: 10_000 });
    try {
      return (await op.fetchAll()) as Record<string, unknown>[];
    } finally {
      await op.close();
    }
  }

  async ready(): Promise<void> {
    await this.query(this.probeTenant, "SELECT 1 AS ok", {});
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) await (await s.catch(() => undefined))?.close();
    this.sessions.clear();
  }
}

/**
 * Sessions through @databricks/sql: the driver calls `getToken` for every connection and refresh, and gets the
 * tenant principal's federated token (scope sql). Telemetry off; statements time out after 30 s.
 */
export function driverSessions(o: { host: string; httpPath: string; catalog: string; token: (tenant: string) => Promise<string> }): SessionFactory {
  return async (tenant) => {
    // Loaded here so the local server never loads the driver.
    // package.json overrides the driver's optional win32-x64 kernel to 0.2.0: the registry serves no 1.0.0 build of
    // it, and `npm ci` refuses a lock that lacks an optional dependency. The API runs on Linux images only.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DBSQLClient } = require("@databricks/sql") as typeof import("@databricks/sql");
    const client = new DBSQLClient();
    await client.connect({
      host: o.host,
      path: o.httpPath,
      authType: "external-token",
      getToken: () => o.token(tenant),
      socketTimeout: 60_000,
      retryMaxAttempts: 3,
      retriesTimeout: 60_000,
      preserveBigNumericPrecision: true,
      telemetryEnabled: false,
      userAgentEntry: "lakemesh-serving",
    } as Parameters<typeof client.connect>[0]);
    const session = await client.openSession({ initialCatalog: o.catalog });
    // STATEMENT_TIMEOUT is the warehouse's statement timeout (queryTimeout applies to clusters only).
    const op = await session.executeStatement("SET STATEMENT_TIMEOUT = 30", {});
    await op.close();
    return {
      executeStatement: (sql, options) => session.executeStatement(sql, options as never),
      async close() {
        await session.close();
        await client.close();
      },
    };
  };
}
