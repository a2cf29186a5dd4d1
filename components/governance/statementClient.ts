// A small client for the Databricks SQL Statement Execution API (POST /api/2.0/sql/statements, then poll).
// Plain fetch, no Pulumi: the dynamic provider calls it, and tests run it against a stub server on 127.0.0.1.

export interface StatementParameter {
  readonly name: string;
  readonly value: string | null;
  readonly type: "STRING";
}

export interface StatementClientOptions {
  /** https://<workspace host> */
  readonly host: string;
  /** Read from the environment by the caller; never logged, never put in an error. */
  readonly token: string;
  readonly warehouseId: string;
  /** Give up (and cancel the statement) after this long. @default 600000 */
  readonly timeoutMs?: number;
  /** @default 2000 */
  readonly pollIntervalMs?: number;
  readonly fetchImpl?: typeof fetch;
}

export class StatementError extends Error {
  // Explicit, and setting message itself: the dynamic provider is serialized into the stack, and Pulumi's closure
  // serializer turns a subclass constructor into `Error.call(this, ...)`, which sets nothing. With the implicit
  // constructor a failed statement reached `pulumi up` as "undefined" (test/engine/sql-provider.test.ts).
  constructor(message: string) {
    super(message);
    this.message = message;
    this.name = "StatementError";
  }
}

// A plain function, not a Set: the dynamic provider is serialized into the stack, and Pulumi's closure serializer
// does not carry a Set's contents.
function terminal(state: string | undefined): boolean {
  return state === "SUCCEEDED" || state === "FAILED" || state === "CANCELED" || state === "CLOSED";
}

interface StatementResponse {
  statement_id?: string;
  status?: { state?: string; error?: { message?: string; error_code?: string } };
  /** Rows of a finished statement (INLINE disposition, JSON_ARRAY format: every value a string or null). */
  result?: { data_array?: (string | null)[][] };
  manifest?: { total_chunk_count?: number };
}

function scrub(text: string, token: string): string {
  return token ? text.split(token).join("[redacted]") : text;
}

async function call(o: StatementClientOptions, method: "GET" | "POST", path: string, body?: unknown): Promise<StatementResponse> {
  const f = o.fetchImpl ?? fetch;
  let res: Response;
  try {
    res = await f(`${o.host.replace(/\/$/, "")}${path}`, {
      method,
      headers: { Authorization: `Bearer ${o.token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (e) {
    throw new StatementError(scrub(`${method} ${path} failed: ${(e as Error).message}`, o.token));
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = text.slice(0, 500);
    try {
      const j = JSON.parse(text) as { message?: string; error_code?: string };
      if (j.message) detail = `${j.error_code ?? "ERROR"}: ${j.message}`;
    } catch {
      /* keep the raw text */
    }
    throw new StatementError(scrub(`${method} ${path} returned HTTP ${res.status}: ${detail}`, o.token));
  }
  try {
    return JSON.parse(text) as StatementResponse;
  } catch {
    throw new StatementError(scrub(`${method} ${path} returned invalid JSON: ${text.slice(0, 200)}`, o.token));
  }
}

/** Runs one statement to completion. Throws with the statement's own error text when it fails. */
export async function executeStatement(o: StatementClientOptions, sql: string, parameters: readonly StatementParameter[] = []): Promise<string> {
  return (await run(o, sql, parameters)).statement_id!;
}

/**
 * Runs a statement and returns its rows (small results only: one inline chunk), e.g. SHOW TBLPROPERTIES.
 * https://docs.databricks.com/api/workspace/statementexecution/executestatement (INLINE disposition, JSON_ARRAY format)
 */
export async function queryStatement(o: StatementClientOptions, sql: string, parameters: readonly StatementParameter[] = []): Promise<(string | null)[][]> {
  const r = await run(o, sql, parameters);
  if ((r.manifest?.total_chunk_count ?? 1) > 1) throw new StatementError(`statement ${r.statement_id} returned more than one chunk; only small results are read`);
  return r.result?.data_array ?? [];
}

async function run(o: StatementClientOptions, sql: string, parameters: readonly StatementParameter[]): Promise<StatementResponse> {
  const timeoutMs = o.timeoutMs ?? 600_000;
  const pollMs = o.pollIntervalMs ?? 2000;
  const started = Date.now();
  let r = await call(o, "POST", "/api/2.0/sql/statements", {
    statement: sql,
    warehouse_id: o.warehouseId,
    wait_timeout: "30s",
    on_wait_timeout: "CONTINUE",
    ...(parameters.length > 0 ? { parameters } : {}),
  });
  const id = r.statement_id;
  if (!id) throw new StatementError("the statement API returned no statement_id");
  while (!terminal(r.status?.state)) {
    if (Date.now() - started > timeoutMs) {
      await call(o, "POST", `/api/2.0/sql/statements/${encodeURIComponent(id)}/cancel`).catch(() => undefined);
      throw new StatementError(`statement ${id} did not finish within ${Math.round(timeoutMs / 1000)} s and was cancelled`);
    }
    await new Promise((done) => setTimeout(done, pollMs));
    r = await call(o, "GET", `/api/2.0/sql/statements/${encodeURIComponent(id)}`);
  }
  const state = r.status!.state!;
  if (state !== "SUCCEEDED") {
    const err = r.status?.error;
    throw new StatementError(scrub(`statement ${id} ${state}${err ? `: ${err.error_code ?? "ERROR"}: ${err.message ?? ""}` : ""}`, o.token));
  }
  return r;
}
