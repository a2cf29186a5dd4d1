// The API on the embedded default: DuckDB seeded from the local plane's export or from `lakemesh sample`, tokens from
// the local development IdP, GDPR requests run by the plane's jobs or the embedded ones, dashboards through the
// stand-in. Same routes, catalog and SQL builder as the deployed API; only the backend and the identity keys differ.
import { randomBytes } from "crypto";
import * as path from "path";
import type { FastifyInstance } from "fastify";
import * as fs from "fs";
import { readStackConfig } from "../../cli/plan/stack-config";
import { compileServingCatalog, compileDashboards, CursorCodec, type ServingCatalog } from "../../lib/serving";
import { loadProjectMesh } from "../../lib/project";
import { buildApp } from "../app";
import { FileAuditSink, subjectHasher, type AuditSink } from "../audit";
import { TokenVerifier } from "../auth";
import { EmbeddedGdprJobs, FileRequestStore, PlaneGdprJobs } from "../gdpr/local";
import type { GdprJobLauncher } from "../gdpr/types";
import { localServingDir } from "../project";
import { LocalEmbedMinter, standinDashboardId, standinRoutes } from "./aibi";
import { LocalIdp, LOCAL_AUDIENCE, LOCAL_ISSUER } from "./idp";
import { seedLocal, type DataSource, type Seeded } from "./seed";
import type { SampleOptions } from "../../lib/sample";

/** The salt the local pipelines and GDPR jobs hash subjects with (scripts/local/mesh.py, gdpr.sh). */
export const LOCAL_SUBJECT_SALT = process.env.LAKEMESH_SUBJECT_SALT ?? "local-subject-salt";

export interface LocalServerOptions {
  /** Project folder. */
  readonly root: string;
  /** Stack whose settings (catalog) the local data uses. @default "dev" */
  readonly stack?: string;
  /** Data: the plane's export, the sample, or whichever is there. @default "auto" */
  readonly data?: DataSource | "auto";
  readonly sample?: Partial<SampleOptions>;
  /** State folder (IdP key, audit log, GDPR requests and exports). @default <root>/.local/serving */
  readonly stateDir?: string;
  readonly audit?: AuditSink;
  readonly logger?: boolean | Record<string, unknown>;
  readonly rateLimit?: { readonly max: number; readonly timeWindowMs: number };
  /** Where the server will be reachable (the stand-in's instance URL). @default "http://127.0.0.1:8787" */
  readonly publicUrl?: string;
  /** Lifetime of the stand-in's embed tokens. @default 600 */
  readonly embedTtlSeconds?: number;
  /** Use the plane's GDPR jobs even without an export (tests set false). @default true when the data is the plane's */
  readonly planeJobs?: boolean;
}

export interface LocalServer {
  readonly app: FastifyInstance;
  readonly seeded: Seeded;
  readonly catalog: ServingCatalog;
  readonly idp: LocalIdp;
  readonly minter: LocalEmbedMinter;
  readonly launcher: GdprJobLauncher & { settled(requestId: string): Promise<void> };
  readonly stateDir: string;
  close(): Promise<void>;
}

export async function createLocalServer(o: LocalServerOptions): Promise<LocalServer> {
  const stateDir = o.stateDir ?? localServingDir(o.root);
  const settings = readStackConfig(o.root, o.stack ?? "dev").settings;
  const mesh = loadProjectMesh(o.root);
  const seeded = await seedLocal(settings, mesh, { exportDir: path.join(stateDir, "parquet"), source: o.data ?? "auto", sample: o.sample });
  const catalog = compileServingCatalog(settings.catalog, mesh);
  const dashboards = compileDashboards(settings.catalog, mesh);
  const idp = await LocalIdp.open(path.join(stateDir, "dev-idp.json"));
  const minter = await LocalEmbedMinter.create(o.publicUrl ?? "http://127.0.0.1:8787", o.embedTtlSeconds);
  const hashSubject = subjectHasher(LOCAL_SUBJECT_SALT);
  const store = new FileRequestStore(path.join(stateDir, "gdpr", "requests.json"));
  const exportRoot = path.join(stateDir, "gdpr", "exports");
  fs.mkdirSync(exportRoot, { recursive: true, mode: 0o700 });
  const launcher =
    (o.planeJobs ?? seeded.source === "plane")
      ? new PlaneGdprJobs(o.root, store, exportRoot)
      : new EmbeddedGdprJobs(seeded.backend, seeded.contracts, store, exportRoot, LOCAL_SUBJECT_SALT);
  const audit = o.audit ?? new FileAuditSink(path.join(stateDir, "audit.jsonl"));
  const app = await buildApp({
    catalog,
    backend: seeded.backend,
    verifier: new TokenVerifier({ issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: ["ES256"], jwks: { keys: idp.jwks } }),
    // A fresh key per start: cursors do not survive a restart of the local server.
    cursors: new CursorCodec(randomBytes(32)),
    audit,
    hashSubject,
    tenants: new Set(seeded.tenants),
    rateLimit: o.rateLimit,
    gdpr: { store, launcher },
    dashboards: { list: dashboards.map((d) => ({ name: d.name, displayName: d.displayName, dashboardId: standinDashboardId(d.name) })), minter },
    logger: o.logger,
    publicUrl: o.publicUrl,
    extra: standinRoutes(o.root, seeded.backend, dashboards, minter),
  });
  return {
    app,
    seeded,
    catalog,
    idp,
    minter,
    launcher,
    stateDir,
    async close() {
      await app.close();
      await seeded.backend.close();
      await audit.close();
    },
  };
}
