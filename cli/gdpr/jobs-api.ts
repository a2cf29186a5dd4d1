// Starts a GDPR job in a Databricks workspace: find the job by its name, then run-now with the request's
// parameters (Jobs API 2.2). The token comes from the environment; it is never printed or put in an error.

import { DatabricksApiError, restCall as call, type RestOptions } from "../databricks/rest";

export type JobsApiOptions = RestOptions;

/** The error of a refused call, or of a job that is missing or ambiguous. */
export const JobsApiError = DatabricksApiError;

/** Starts job `name` with `parameters`; returns its job id and the new run's id. */
export async function runJobByName(o: JobsApiOptions, name: string, parameters: Readonly<Record<string, string>>): Promise<{ jobId: number; runId: number }> {
  const list = await call<{ jobs?: { job_id: number; settings?: { name?: string } }[] }>(o, "GET", `/api/2.2/jobs/list?name=${encodeURIComponent(name)}`);
  const jobs = (list.jobs ?? []).filter((j) => j.settings?.name === undefined || j.settings.name === name);
  if (jobs.length === 0) throw new DatabricksApiError(`no job named ${name} in ${o.host}; deploy the platform stack first`);
  if (jobs.length > 1) throw new DatabricksApiError(`${jobs.length} jobs are named ${name} in ${o.host} (ids ${jobs.map((j) => j.job_id).join(", ")}); keep only the one Pulumi manages`);
  const run = await call<{ run_id?: number }>(o, "POST", "/api/2.2/jobs/run-now", { job_id: jobs[0].job_id, job_parameters: parameters });
  if (typeof run.run_id !== "number") throw new DatabricksApiError("run-now returned no run_id");
  return { jobId: jobs[0].job_id, runId: run.run_id };
}
