// A Databricks REST call with a bearer token from the environment. The token is never printed or put in an error.

export interface RestOptions {
  /** https://<workspace host> */
  readonly host: string;
  readonly token: string;
  readonly fetchImpl?: typeof fetch;
}

/** A refused or failed call; `status` is the HTTP status when there was a response. */
export class DatabricksApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export async function restCall<T>(o: RestOptions, method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const scrub = (t: string) => (o.token ? t.split(o.token).join("[redacted]") : t);
  let res: Response;
  try {
    res = await (o.fetchImpl ?? fetch)(`${o.host.replace(/\/$/, "")}${path}`, {
      method,
      headers: { Authorization: `Bearer ${o.token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (e) {
    throw new DatabricksApiError(scrub(`${method} ${path} failed: ${(e as Error).message}`));
  }
  const text = await res.text();
  if (!res.ok) throw new DatabricksApiError(scrub(`${method} ${path} returned HTTP ${res.status}: ${text.slice(0, 300)}`), res.status);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new DatabricksApiError(scrub(`${method} ${path} returned invalid JSON: ${text.slice(0, 200)}`), res.status);
  }
}
