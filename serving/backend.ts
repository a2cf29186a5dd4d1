import type { Dialect } from "../lib/serving";

/** Named parameters of a query: every value a string (cast in SQL to its column's type) or null. */
export type Params = Readonly<Record<string, string | null>>;

/**
 * Where the API's queries run. `tenant` selects the session a query runs in: on Databricks the tenant's own
 * service principal (Unity Catalog's row filter then admits only that tenant's rows), locally a connection whose
 * secured views admit only that tenant's rows. Either way the tenant boundary holds even for a query that forgot
 * its tenant predicate.
 */
export interface QueryBackend {
  readonly dialect: Dialect;
  query(tenant: string, sql: string, params: Params): Promise<Record<string, unknown>[]>;
  /** Resolves when the backend can answer queries (readiness); rejects otherwise. */
  ready(): Promise<void>;
  close(): Promise<void>;
}
