// Starts a GDPR job in a Databricks workspace: find the job by its name, then run-now with the request's
// parameters (Jobs API 2.2). The token comes from the environment; it is never printed or put in an error.

export interface JobsApiOptions {
  /** https://<workspace host> */
  readonly host: string;
  readonly token: string;
  readonly fetchImpl?: typeof fetch;
}

export class JobsApiError extends Error {}

async function call<T>(o: JobsApiOptions, method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
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
    throw new JobsApiError(scrub(`${method} ${path} failed: ${(e as Error).message}`));
  }
  const text = await res.text();
  if (!res.ok) throw new JobsApiError(scrub(`${method} ${path} returned HTTP ${res.status}: ${text.slice(0, 300)}`));
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new JobsApiError(scrub(`${method} ${path} returned invalid JSON: ${text.slice(0, 200)}`));
  }
}

/** Starts job `name` with `parameters`; returns its job id and the new run's id. */
export async function runJobByName(o: JobsApiOptions, name: string, parameters: Readonly<Record<string, string>>): Promise<{ jobId: number; runId: number }> {
  const list = await call<{ jobs?: { job_id: number; settings?: { name?: string } }[] }>(o, "GET", `/api/2.2/jobs/list?name=${encodeURIComponent(name)}`);
  const jobs = (list.jobs ?? []).filter((j) => j.settings?.name === undefined || j.settings.name === name);
  if (jobs.length === 0) throw new JobsApiError(`no job named ${name} in ${o.host}; deploy the platform stack first`);
  if (jobs.length > 1) throw new JobsApiError(`${jobs.length} jobs are named ${name} in ${o.host} (ids ${jobs.map((j) => j.job_id).join(", ")}); keep only the one Pulumi manages`);
  const run = await call<{ run_id?: number }>(o, "POST", "/api/2.2/jobs/run-now", { job_id: jobs[0].job_id, job_parameters: parameters });
  if (typeof run.run_id !== "number") throw new JobsApiError("run-now returned no run_id");
  return { jobId: jobs[0].job_id, runId: run.run_id };
}
