// GDPR intake for the local server: requests recorded in a JSON file, run either by the real GDPR jobs on the
// local data plane (scripts/local/gdpr.sh, as `lakemesh gdpr request` runs them) or, with no plane, by an embedded
// job on the DuckDB database that follows the same registry and the same rules (notebooks/gdpr/erasure.py
// erasure_action, subject_access.py export layout), legal holds excepted: the embedded database has no row filter to
// hide restricted rows from the API, so it erases them like any other (the plane's jobs restrict them).
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { compileRegistry, GDPR_REQUEST_ID, type PipelineContract, type RegistryRow } from "../../lib/compile";
import { runLocalGdprJob } from "../../cli/gdpr/local";
import type { DuckDbBackend } from "../local/duckdb";
import { quotedTable } from "../local/duckdb";
import { typeFamily } from "../../lib/manifest";
import { jsonValue } from "../../lib/serving";
import { laterStatus, nowIso, type GdprJobLauncher, type GdprRequestRecord, type GdprRequestStore, type GdprStatus, type NewGdprRequest } from "./types";

/** Requests in one JSON file, written atomically (temp file and rename). Holds hashes, never raw subject ids. */
export class FileRequestStore implements GdprRequestStore {
  constructor(private readonly file: string) {}

  private load(): Record<string, GdprRequestRecord> {
    return fs.existsSync(this.file) ? (JSON.parse(fs.readFileSync(this.file, "utf8")) as Record<string, GdprRequestRecord>) : {};
  }
  private save(all: Record<string, GdprRequestRecord>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(all, null, 2) + "\n", { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
  async create(r: NewGdprRequest): Promise<void> {
    const all = this.load();
    if (all[r.record.requestId]) throw new Error("duplicate request id");
    all[r.record.requestId] = r.record;
    this.save(all);
  }
  async get(tenant: string, requestId: string): Promise<GdprRequestRecord | null> {
    const r = this.load()[requestId];
    return r && r.tenant === tenant ? r : null;
  }
  async update(tenant: string, requestId: string, patch: Partial<Pick<GdprRequestRecord, "status" | "run" | "counts">>): Promise<GdprRequestRecord> {
    const all = this.load();
    const r = all[requestId];
    if (!r || r.tenant !== tenant) throw new Error("no such request");
    all[requestId] = { ...r, ...patch, status: patch.status ? laterStatus(r.status, patch.status) : r.status, updatedAt: nowIso() };
    this.save(all);
    return all[requestId];
  }
}

function exportDir(root: string, requestId: string): string {
  if (!GDPR_REQUEST_ID.test(requestId)) throw new Error("not a request id");
  return path.join(root, requestId);
}

/** Reads an export folder in subject_access.py's layout: manifest.json plus <table>.json per dataset. */
export function readExportFolder(root: string, requestId: string): { manifest: unknown; datasets: Record<string, unknown> } {
  const dir = exportDir(root, requestId);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as { datasets: Record<string, number> };
  const datasets: Record<string, unknown> = {};
  for (const table of Object.keys(manifest.datasets)) datasets[table] = JSON.parse(fs.readFileSync(path.join(dir, `${table}.json`), "utf8"));
  return { manifest, datasets };
}

/** The value an anonymized STRING column takes (notebooks/gdpr/erasure.py _token). */
export function anonymizedToken(salt: string, requestId: string, column: string): string {
  return "erased-" + createHash("sha256").update(`${salt}:${requestId}:${column}`).digest("hex").slice(0, 16);
}

/**
 * How a dataset forgets a subject (notebooks/gdpr/erasure.py erasure_action): null deletes the subject's rows;
 * otherwise each personal column's new value, a token or NULL.
 */
export function erasureAction(row: RegistryRow, columns: ReadonlyMap<string, { physicalType: string; nullable: boolean }>): Record<string, "token" | "null"> | null {
  const methods = new Map(row.personalColumns.map((c) => [c.name, c.erasure]));
  if ([...methods.values()].every((m) => m === "delete") || methods.get(row.subjectKey ?? "") === "delete") return null;
  const action: Record<string, "token" | "null"> = {};
  for (const [name, method] of methods) {
    const col = columns.get(name);
    const how = method === "anonymize" && col?.physicalType === "STRING" ? "token" : "null";
    if (how === "null" && col && !col.nullable) return null;
    action[name] = how;
  }
  return action;
}

/** GDPR jobs run in-process on the embedded database (no local data plane). */
export class EmbeddedGdprJobs implements GdprJobLauncher {
  private readonly registry: RegistryRow[];
  private readonly columns: Map<string, Map<string, { physicalType: string; nullable: boolean }>>;
  private readonly runs = new Map<string, Promise<void>>();

  constructor(
    private readonly db: DuckDbBackend,
    contracts: readonly PipelineContract[],
    private readonly store: GdprRequestStore,
    private readonly exportRoot: string,
    private readonly salt: string,
  ) {
    const local = contracts.flatMap((c) => c.datasets.filter((d) => d.layer !== "bronze"));
    const tables = new Set(local.map((d) => d.table));
    this.registry = compileRegistry(contracts).filter((r) => tables.has(r.dataset) && r.tenantKey && r.subjectKey);
    this.columns = new Map(local.map((d) => [d.table, new Map(d.columns.map((c) => [c.name, { physicalType: c.type, nullable: c.nullable }]))]));
  }

  async start(r: GdprRequestRecord, subject: string): Promise<string> {
    const run = `embedded:${r.requestId}`;
    const work = (async () => {
      await this.store.update(r.tenant, r.requestId, { status: "running" });
      try {
        const counts = r.type === "access" ? await this.access(r, subject) : await this.erase(r, subject);
        await this.store.update(r.tenant, r.requestId, { status: "done", counts });
      } catch {
        await this.store.update(r.tenant, r.requestId, { status: "failed" });
      }
    })().catch((e: unknown) => {
      // The store itself failed (e.g. the server was closed and its folder removed mid-run): the request keeps its
      // last recorded status, and a background run must never take the process down with an unhandled rejection.
      process.emitWarning(`GDPR request ${r.requestId}: could not record its outcome: ${(e as Error)?.message ?? String(e)}`);
    });
    this.runs.set(r.requestId, work);
    return run;
  }

  /** Resolves when the run of a request has finished (tests). */
  async settled(requestId: string): Promise<void> {
    await this.runs.get(requestId);
  }

  private async rows(row: RegistryRow, tenant: string, subject: string): Promise<Record<string, unknown>[]> {
    return this.db.exec(`SELECT * FROM ${quotedTable(row.dataset)} WHERE "${row.tenantKey}" = $tenant AND "${row.subjectKey}" = $subject`, { tenant, subject });
  }

  private async access(r: GdprRequestRecord, subject: string): Promise<Record<string, number>> {
    const dir = exportDir(this.exportRoot, r.requestId);
    if (fs.existsSync(dir)) throw new Error("exported before");
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const counts: Record<string, number> = {};
    for (const row of this.registry) {
      const cols = this.columns.get(row.dataset)!;
      const value = (k: string, v: unknown) => jsonValue({ physicalType: cols.get(k)!.physicalType, family: typeFamily(cols.get(k)!.physicalType) }, v);
      const rows = (await this.rows(row, r.tenant, subject)).map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, value(k, v)])));
      fs.writeFileSync(path.join(dir, `${row.dataset}.json`), JSON.stringify({ dataset: row.dataset, layer: row.layer, rows }, null, 2), { mode: 0o600 });
      counts[row.dataset] = rows.length;
    }
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ request_id: r.requestId, tenant_id: r.tenant, datasets: counts }, null, 2), { mode: 0o600 });
    return counts;
  }

  private async erase(r: GdprRequestRecord, subject: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const row of this.registry) {
      const where = `WHERE "${row.tenantKey}" = $tenant AND "${row.subjectKey}" = $subject`;
      const found = Number((await this.db.exec(`SELECT count(*) AS n FROM ${quotedTable(row.dataset)} ${where}`, { tenant: r.tenant, subject }))[0].n);
      const action = erasureAction(row, this.columns.get(row.dataset)!);
      if (found > 0) {
        if (action === null) {
          await this.db.exec(`DELETE FROM ${quotedTable(row.dataset)} ${where}`, { tenant: r.tenant, subject });
        } else {
          const params: Record<string, string | null> = { tenant: r.tenant, subject };
          const sets = Object.entries(action).map(([c, how], i) => {
            if (how === "null") return `"${c}" = NULL`;
            params[`t${i}`] = anonymizedToken(this.salt, r.requestId, c);
            return `"${c}" = $t${i}`;
          });
          await this.db.exec(`UPDATE ${quotedTable(row.dataset)} SET ${sets.join(", ")} ${where}`, params);
        }
      }
      counts[row.dataset] = found;
    }
    return counts;
  }

  async poll(r: GdprRequestRecord): Promise<{ status: GdprStatus }> {
    return { status: r.status };
  }

  async readExport(r: GdprRequestRecord) {
    return readExportFolder(this.exportRoot, r.requestId);
  }
}

/** The real GDPR jobs on the local data plane (scripts/local/gdpr.sh), started as `lakemesh gdpr request` starts them. */
export class PlaneGdprJobs implements GdprJobLauncher {
  private readonly runs = new Map<string, Promise<void>>();
  constructor(
    private readonly root: string,
    private readonly store: GdprRequestStore,
    private readonly exportRoot: string,
  ) {}

  async start(r: GdprRequestRecord, subject: string): Promise<string> {
    const job = r.type === "access" ? "subject_access" : "erasure";
    // As on Databricks: the request is filed in the plane's inbox (subject on stdin, bound there), and the job runs
    // with the request id only; the export root is part of the plane's settings file, not a job parameter.
    const args = ["--record", `--request-id=${r.requestId}`];
    if (r.type === "access") args.push(`--export-root=${this.exportRoot}`);
    const request = JSON.stringify({ type: r.type, tenant: r.tenant, subject });
    const work = (async () => {
      await this.store.update(r.tenant, r.requestId, { status: "running" });
      const res = await runLocalGdprJob(this.root, job, args, request);
      let counts: Record<string, number> | null = null;
      let erasing = false;
      try {
        const out = JSON.parse(res.stdout.trim().split("\n").pop() ?? "") as { status?: string; datasets?: Record<string, number>; tables?: Record<string, { found: number }> };
        counts = out.datasets ?? Object.fromEntries(Object.entries(out.tables ?? {}).map(([k, v]) => [k, v.found]));
        // An erasure that still waits for the domains' pipeline updates is not done: it stays running.
        erasing = out.status === "erasing";
      } catch {
        counts = null;
      }
      if (res.status === 0 && erasing) return;
      await this.store.update(r.tenant, r.requestId, res.status === 0 && counts ? { status: "done", counts } : { status: "failed" });
    })();
    this.runs.set(r.requestId, work);
    return `local-plane:${r.requestId}`;
  }
  async settled(requestId: string): Promise<void> {
    await this.runs.get(requestId);
  }
  async poll(r: GdprRequestRecord): Promise<{ status: GdprStatus }> {
    return { status: r.status };
  }
  async readExport(r: GdprRequestRecord) {
    return readExportFolder(this.exportRoot, r.requestId);
  }
}
