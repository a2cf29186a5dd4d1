// GDPR intake on Databricks. A request's tenant and subject are filed in governance.gdpr_request_inbox (bound named
// parameters) and its job started with the request id only. Requests are recorded in governance.serving_gdpr_requests (append-only, row-filtered by
// tenant, so a tenant principal reads only its tenant's rows) through the tenant's session; jobs are started with
// run-now (Jobs API 2.2) as the tenant's principal, which holds CAN_MANAGE_RUN through the API persona's group; the
// subject-access export is read from the governance volume with the Files API
// (https://docs.databricks.com/api/workspace/files/download).
import { runJobByName } from "../../cli/gdpr/jobs-api";
import { GDPR_REQUEST_ID, gdprInboxInsert } from "../../lib/compile";
import { qualifiedName } from "../../lib/sql";
import type { QueryBackend } from "../backend";
import type { FederatedTokens } from "../databricks/federation";
import { laterStatus, nowIso, type GdprJobLauncher, type GdprRequestRecord, type GdprRequestStore, type GdprStatus, type NewGdprRequest } from "./types";

type Fetch = typeof fetch;

/** Requests as rows of the intake table; the latest row of a request is its state. */
export class DatabricksRequestStore implements GdprRequestStore {
  constructor(
    private readonly db: QueryBackend,
    private readonly table: string,
  ) {}

  private async append(r: GdprRequestRecord): Promise<void> {
    await this.db.query(
      r.tenant,
      `INSERT INTO ${qualifiedName(this.table)} (request_id, request_type, tenant_id, subject_hash, requester_hash, status, run_ref, counts, requested_at, updated_at) ` +
        "VALUES (:request_id, :request_type, :tenant_id, :subject_hash, :requester_hash, :status, :run_ref, :counts, CAST(:requested_at AS TIMESTAMP), CAST(:updated_at AS TIMESTAMP))",
      {
        request_id: r.requestId,
        request_type: r.type,
        tenant_id: r.tenant,
        subject_hash: r.subjectHash,
        requester_hash: r.requesterHash,
        status: r.status,
        run_ref: r.run,
        counts: r.counts ? JSON.stringify(r.counts) : null,
        requested_at: r.requestedAt,
        updated_at: r.updatedAt,
      },
    );
  }

  async create(r: NewGdprRequest): Promise<void> {
    // The raw subject id stays out of this table. It goes to the platform's request inbox, bound as a named
    // parameter, through the tenant's session (the inbox's tenant row filter and grants let a tenant principal file
    // only there): the job starts with the request id alone, reads the subject from the inbox and deletes the row
    // when the request ends, so the subject never reaches a run's parameters or run history.
    await this.append(r.record);
    const insert = gdprInboxInsert(this.table.split(".")[0], { requestId: r.record.requestId, type: r.record.type, tenant: r.record.tenant, subject: r.subject });
    await this.db.query(r.record.tenant, insert.sql, Object.fromEntries(insert.parameters.map((p) => [p.name, p.value])));
  }

  async get(tenant: string, requestId: string): Promise<GdprRequestRecord | null> {
    if (!GDPR_REQUEST_ID.test(requestId)) return null;
    const rows = await this.db.query(
      tenant,
      `SELECT request_id, request_type, tenant_id, subject_hash, requester_hash, status, run_ref, counts, requested_at, updated_at FROM ${qualifiedName(this.table)} ` +
        "WHERE tenant_id = :tenant AND request_id = :request_id ORDER BY updated_at DESC LIMIT 20",
      { tenant, request_id: requestId },
    );
    if (rows.length === 0) return null;
    const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
    // The furthest status wins (rows written within the same millisecond keep their order only by status).
    const latest = rows.reduce((a, b) => (laterStatus(a.status as GdprStatus, b.status as GdprStatus) === b.status && b.status !== a.status ? b : a));
    const withRun = rows.find((x) => x.run_ref !== null && x.run_ref !== undefined);
    const withCounts = rows.find((x) => x.counts !== null && x.counts !== undefined);
    return {
      requestId: String(latest.request_id),
      type: latest.request_type as GdprRequestRecord["type"],
      tenant: String(latest.tenant_id),
      subjectHash: String(latest.subject_hash),
      requesterHash: String(latest.requester_hash),
      status: latest.status as GdprStatus,
      requestedAt: iso(latest.requested_at),
      updatedAt: iso(rows[0].updated_at),
      run: withRun ? String(withRun.run_ref) : null,
      counts: withCounts ? (JSON.parse(String(withCounts.counts)) as Record<string, number>) : null,
    };
  }

  async update(tenant: string, requestId: string, patch: Partial<Pick<GdprRequestRecord, "status" | "run" | "counts">>): Promise<GdprRequestRecord> {
    const current = await this.get(tenant, requestId);
    if (!current) throw new Error("no such request");
    const next: GdprRequestRecord = { ...current, ...patch, status: patch.status ? laterStatus(current.status, patch.status) : current.status, updatedAt: nowIso() };
    await this.append(next);
    return next;
  }
}

/** The platform's GDPR jobs, started and watched through the Jobs API as the tenant's principal. */
export class DatabricksGdprJobs implements GdprJobLauncher {
  constructor(
    private readonly o: {
      readonly host: string;
      readonly federation: FederatedTokens;
      readonly accessJob: string;
      readonly erasureJob: string;
      /** /Volumes/<catalog>/governance/gdpr_exports */
      readonly exportRoot: string;
      readonly fetchImpl?: Fetch;
    },
  ) {}

  private async token(tenant: string): Promise<string> {
    return this.o.federation.token(tenant, "all-apis");
  }

  async start(r: GdprRequestRecord, subject: string): Promise<string> {
    const job = r.type === "access" ? this.o.accessJob : this.o.erasureJob;
    // The request id only: the store filed tenant and subject in the request inbox (`subject` is for launchers that
    // run in-process).
    void subject;
    const run = await runJobByName({ host: `https://${this.o.host}`, token: await this.token(r.tenant), fetchImpl: this.o.fetchImpl }, job, { request_id: r.requestId });
    return `databricks-run:${run.runId}`;
  }

  private async get(tenant: string, path: string): Promise<Response> {
    const res = await (this.o.fetchImpl ?? fetch)(`https://${this.o.host}${path}`, { headers: { authorization: `Bearer ${await this.token(tenant)}` }, signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`GET ${path.split("?")[0]} failed with HTTP ${res.status}`);
    return res;
  }

  async poll(r: GdprRequestRecord): Promise<{ status: GdprStatus }> {
    const runId = /^databricks-run:([0-9]+)$/.exec(r.run ?? "")?.[1];
    if (!runId) return { status: r.status };
    const run = (await (await this.get(r.tenant, `/api/2.2/jobs/runs/get?run_id=${runId}`)).json()) as { state?: { life_cycle_state?: string; result_state?: string } };
    const life = run.state?.life_cycle_state;
    if (life === "TERMINATED") return { status: run.state?.result_state === "SUCCESS" ? "done" : "failed" };
    if (life === "INTERNAL_ERROR" || life === "SKIPPED") return { status: "failed" };
    return { status: life === "RUNNING" || life === "TERMINATING" ? "running" : r.status };
  }

  async readExport(r: GdprRequestRecord) {
    if (!GDPR_REQUEST_ID.test(r.requestId)) throw new Error("not a request id");
    const dir = `${this.o.exportRoot}/${r.requestId}`;
    const file = async (name: string) => (await this.get(r.tenant, `/api/2.0/fs/files${dir}/${encodeURIComponent(name)}`)).json();
    const manifest = (await file("manifest.json")) as { datasets: Record<string, number> };
    const datasets: Record<string, unknown> = {};
    for (const table of Object.keys(manifest.datasets)) datasets[table] = await file(`${table}.json`);
    return { manifest, datasets };
  }
}
