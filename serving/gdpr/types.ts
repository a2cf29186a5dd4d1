// GDPR intake through the API: a client admin files a subject access or erasure request for a subject of their
// own tenant; the request is recorded, handed to the platform's GDPR jobs, and its status (and, for access, the
// export) can be read back by the admin who filed it.
//
// Two seams keep changes local: where requests are recorded (GdprRequestStore) and how a job is started
// (GdprJobLauncher). On Databricks and the local plane the store files tenant and subject in the platform's request
// inbox and the launcher passes the request id alone, as `lakemesh gdpr request` does; the embedded (DuckDB) job
// runs in-process and takes the subject directly.

export const GDPR_REQUEST_KINDS = ["access", "erasure"] as const;
export type GdprRequestKind = (typeof GDPR_REQUEST_KINDS)[number];

/** received: recorded; submitted: handed to the job; running; done; failed. */
export type GdprStatus = "received" | "submitted" | "running" | "done" | "failed";
export const TERMINAL: readonly GdprStatus[] = ["done", "failed"];
const RANK: Readonly<Record<GdprStatus, number>> = { received: 0, submitted: 1, running: 2, done: 3, failed: 3 };
/** Statuses only move forward: a late "submitted" never overwrites a job's "running" or "done". */
export const laterStatus = (current: GdprStatus, next: GdprStatus): GdprStatus => (RANK[next] > RANK[current] ? next : current);

/** A request as recorded. No raw subject id: the subject and the requester appear as salted hashes. */
export interface GdprRequestRecord {
  readonly requestId: string;
  readonly type: GdprRequestKind;
  readonly tenant: string;
  readonly subjectHash: string;
  /** Salted hash of the admin who filed it: only they may download the export. */
  readonly requesterHash: string;
  readonly status: GdprStatus;
  readonly requestedAt: string;
  readonly updatedAt: string;
  /** The launcher's reference of the job run, once submitted. */
  readonly run: string | null;
  /** Rows found (access) or changed (erasure) per dataset, when done. Counts only. */
  readonly counts: Readonly<Record<string, number>> | null;
}

export interface NewGdprRequest {
  readonly record: GdprRequestRecord;
  /** The raw subject id; a store may keep it only where the platform's requests table is meant to hold it. */
  readonly subject: string;
}

export interface GdprRequestStore {
  create(r: NewGdprRequest): Promise<void>;
  /** The request of `tenant` with this id, or null (another tenant's request is null too). */
  get(tenant: string, requestId: string): Promise<GdprRequestRecord | null>;
  update(tenant: string, requestId: string, patch: Partial<Pick<GdprRequestRecord, "status" | "run" | "counts">>): Promise<GdprRequestRecord>;
}

export interface GdprJobLauncher {
  /** Hands the request to its job; returns the run reference. */
  start(r: GdprRequestRecord, subject: string): Promise<string>;
  /** Current status of a started run (and counts once done). */
  poll(r: GdprRequestRecord): Promise<{ status: GdprStatus; counts?: Record<string, number> }>;
  /** The export of a finished access request: one document per dataset plus the counts. */
  readExport(r: GdprRequestRecord): Promise<{ manifest: unknown; datasets: Record<string, unknown> }>;
}

export const nowIso = () => new Date().toISOString();
