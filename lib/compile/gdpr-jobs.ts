import { pipelineMode, type DomainManifest } from "../manifest";
import { GOVERNANCE_SCHEMA, gdprJobName, gdprWorkspaceDir, pipelineName, pipelinesGroup, platformPhysicalNames } from "./naming";
import { stableJson } from "./json";
import type { Settings } from "./settings";
import { gdprFolder, type FolderSpec } from "./workspace";

/** The three GDPR jobs; each runs the notebook of the same name in notebooks/gdpr/. */
export const GDPR_JOB_KINDS = ["subject-access", "erasure", "retention"] as const;
export type GdprJobKind = (typeof GDPR_JOB_KINDS)[number];

/** Project folder of the GDPR job code; `lakemesh_gdpr.py` is the module the three notebooks share. */
export const GDPR_CODE_DIR = "notebooks/gdpr";
export const GDPR_MODULE = "lakemesh_gdpr.py";
/**
 * The jobs' fixed settings: a workspace file beside the module (lakemesh_gdpr.py reads it from beside its own
 * __file__ and refuses to run without it). Only platform admins can change it (the GDPR folder's ACL); a run can not.
 */
export const GDPR_SETTINGS_FILE = "lakemesh_gdpr_settings.json";
/** Key of the subject-hash salt in the GDPR secret scope (pipelines and jobs read the same secret). */
export const SUBJECT_SALT_KEY = "subject-salt";

/**
 * What a GDPR request's tenant and subject ids may be: the jobs (notebooks/gdpr/lakemesh_gdpr.py TENANT, SUBJECT)
 * and `lakemesh gdpr request` refuse anything else before touching data.
 * A subject id is 1 to 256 visible ASCII characters, so every e-mail address (o'brien@example.com, a+b@x.org) can
 * be served: it is only ever bound (DataFrame filters, job parameters, hash input), never put into SQL text.
 * `{{` and `${` are refused because Databricks and Spark substitute them in parameters and SQL. The same grammar in
 * Python; both are tested on test/fixtures/subject-ids.json.
 */
export const GDPR_TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const GDPR_SUBJECT_ID = /^(?!.*(?:\{\{|\$\{))[!-~]{1,256}$/;
/** What GDPR_SUBJECT_ID allows, in the words of an error. */
export const GDPR_SUBJECT_ID_ALLOWED = "1 to 256 visible ASCII characters (no spaces or control characters), without '{{' or '${'";
export const GDPR_REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Request types of `lakemesh gdpr request`, and the job each starts. */
export const GDPR_REQUEST_TYPES = { access: "subject-access", erasure: "erasure" } as const satisfies Record<string, GdprJobKind>;

/**
 * The one run parameter of each job. Everything else is a fixed setting (GdprSettingsFile): run-now's
 * `job_parameters` override any job parameter for that run (https://docs.databricks.com/api/workspace/jobs/runnow),
 * so anyone with CAN_MANAGE_RUN could move the registry, the audit log or the exports, or read another secret scope.
 * And a run's parameters stay in its run history for 60 days, visible to everyone who can view the job
 * (https://docs.databricks.com/aws/en/jobs/monitor, "history of your job runs for up to 60 days"), past GDPR's 30-day
 * deadline: so no tenant or subject id is a parameter either. The request itself (tenant, subject) is recorded in
 * governance.gdpr_request_inbox with bound parameters and deleted when the request ends. Retention takes none.
 */
export const GDPR_JOB_PARAMETERS: Readonly<Record<GdprJobKind, readonly string[]>> = { "subject-access": ["request_id"], erasure: ["request_id"], retention: [] };

/**
 * The settings file's content (snake_case: the Python job reads it). Validated again, field by field, by
 * lakemesh_gdpr.py load_settings; a local plane writes its own (catalog spark_catalog, no secret scope).
 */
export interface GdprSettingsFile {
  /** Catalog of the governance schema and every registered table (registry rows name the stack's catalog). */
  readonly catalog: string;
  readonly governance_schema: string;
  /** Where subject-access exports go: the governance volume. */
  readonly export_root: string;
  /** Secret scope and key of the subject-hash salt. */
  readonly salt_secret_scope: string;
  readonly salt_secret_key: string;
  /** VACUUM RETAIN hours; null keeps each table's own threshold (delta.deletedFileRetentionDuration). */
  readonly vacuum_retain_hours: number | null;
  /** Days a subject-access export stays under export_root before the nightly retention job deletes it (1 to 30). */
  readonly export_retention_days: number;
  /**
   * Every domain's pipeline, sorted by domain: after erasing, the erasure job starts (or waits for) an update of each
   * affected domain's pipeline, found by this name, and runs again; the request is done only when that run finds
   * nothing. The domain stacks give the GDPR service principal CAN_RUN on their pipeline for it.
   */
  readonly pipelines: readonly GdprPipelineRef[];
  /**
   * Tables the nightly retention job purges and VACUUMs side by side. 1 on Databricks: Apache Spark runs jobs submitted
   * from separate threads of one application in parallel (https://spark.apache.org/docs/latest/job-scheduling.html,
   * "Scheduling Within an Application"), but no Databricks page says so of one serverless notebook session (Spark
   * Connect), so the stricter reading is one statement at a time. A local plane's classic session may take more.
   */
  readonly maintenance_threads: number;
}

/** MAINTENANCE_THREADS on Databricks: see GdprSettingsFile.maintenance_threads. */
export const GDPR_MAINTENANCE_THREADS = 1;

/** A domain's pipeline as the GDPR jobs know it. */
export interface GdprPipelineRef {
  readonly domain: string;
  readonly name: string;
  /** A continuous pipeline is stopped and started (it never completes an update); a triggered one is started. */
  readonly continuous: boolean;
}

/** The pipelines of every domain of the mesh, by the physical name the domain stack gives them. */
export function gdprPipelines(s: Settings, domains: readonly DomainManifest[]): GdprPipelineRef[] {
  return domains
    .map((d) => ({ domain: d.metadata.name, name: pipelineName(s, d.metadata.name), continuous: pipelineMode(d) === "continuous" }))
    .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
}

/** A job permission: who may do what with a GDPR job. */
export interface JobPermissionSpec {
  readonly principal: string;
  readonly level: "CAN_MANAGE" | "CAN_MANAGE_RUN" | "CAN_VIEW";
}

export interface GdprJobSpec {
  readonly kind: GdprJobKind;
  readonly resourceName: string;
  readonly name: string;
  readonly description: string;
  /** The notebook the job's single task runs: project source and workspace path (no extension, as notebooks have). */
  readonly notebook: { readonly resourceName: string; readonly source: string; readonly path: string };
  /** Job parameters (GDPR_JOB_PARAMETERS: the request id, or none) and their defaults; the notebook reads them as
   * widgets and refuses any other. Names match the notebook's PARAMETERS. */
  readonly parameters: readonly { readonly name: string; readonly default: string }[];
  /** Quartz cron (UTC) for the nightly retention job; null for jobs started per request. */
  readonly schedule: string | null;
  readonly timeoutSeconds: number;
  readonly notificationEmails: readonly string[];
  /** Application id of the GDPR service principal (required in every environment). */
  readonly runAsServicePrincipal: string;
  readonly permissions: readonly JobPermissionSpec[];
  readonly tags: Readonly<Record<string, string>>;
}

export interface GdprSpec {
  /** Workspace folder of the notebooks and their shared module. */
  readonly dir: string;
  /** That folder and its ACL: platform admins manage, the GDPR service principal reads. */
  readonly folder: FolderSpec;
  /** The shared module, uploaded as a workspace file next to the notebooks so they can import it. */
  readonly module: { readonly resourceName: string; readonly source: string; readonly path: string };
  /** The fixed settings, uploaded as a workspace file beside the module (content: stable JSON of `values`). */
  readonly settings: { readonly resourceName: string; readonly path: string; readonly values: GdprSettingsFile; readonly content: string };
  readonly jobs: readonly GdprJobSpec[];
  /** Secret scope of the subject-hash salt, and who may read it (pipelines drop suppressed subjects with it). */
  readonly secretScope: { readonly name: string; readonly saltKey: string; readonly readers: readonly string[]; readonly managers: readonly string[] };
}

const DESCRIPTIONS: Record<GdprJobKind, string> = {
  "subject-access": "lakemesh GDPR subject access: every row of one subject in one tenant, across every registered dataset and layer, exported as JSON to the gdpr_exports volume.",
  erasure:
    "lakemesh GDPR erasure: suppress the subject for ingest, delete their subject-access exports, delete in bronze, delete or anonymize in silver and gold as the manifests say (SQL DELETE and UPDATE), then REORG ... APPLY (PURGE); the nightly retention job VACUUMs.",
  retention: "lakemesh nightly retention: delete rows older than each registered dataset's retention period, then purge and VACUUM every registered table; delete subject-access exports older than their retention.",
};

const TIMEOUT_SECONDS: Record<GdprJobKind, number> = { "subject-access": 2 * 3600, erasure: 4 * 3600, retention: 6 * 3600 };

/**
 * The GDPR jobs of a stack: subject access, erasure and nightly retention. Each is one notebook task on
 * serverless compute, queued, one run at a time (Delta DELETE and MERGE of two runs would conflict), run as the
 * GDPR service principal, with failures mailed to the platform's contacts. A run takes the request id only; the
 * notebooks read the request (tenant, subject) from the inbox table and everything else from the settings file.
 */
export function compileGdprJobs(s: Settings, pipelines: readonly GdprPipelineRef[]): GdprSpec {
  const dir = gdprWorkspaceDir(s);
  const values: GdprSettingsFile = {
    catalog: s.catalog,
    governance_schema: GOVERNANCE_SCHEMA,
    export_root: `/Volumes/${s.catalog}/${GOVERNANCE_SCHEMA}/${platformPhysicalNames(s).gdprVolume}`,
    salt_secret_scope: s.databricks.gdprSecretScope,
    salt_secret_key: SUBJECT_SALT_KEY,
    // null: VACUUM keeps the table's own threshold (delta.deletedFileRetentionDuration, from vacuumRetentionHours).
    vacuum_retain_hours: null,
    export_retention_days: s.databricks.gdprExportRetentionDays,
    pipelines: [...pipelines],
    maintenance_threads: GDPR_MAINTENANCE_THREADS,
  };
  const notebookFile: Record<GdprJobKind, string> = { "subject-access": "subject_access", erasure: "erasure", retention: "retention" };
  const p = s.personas;
  const jobs = GDPR_JOB_KINDS.map(
    (kind): GdprJobSpec => ({
      kind,
      resourceName: `gdpr-job-${kind}`,
      name: gdprJobName(s, kind),
      description: DESCRIPTIONS[kind],
      notebook: { resourceName: `gdpr-notebook-${kind}`, source: `${GDPR_CODE_DIR}/${notebookFile[kind]}.py`, path: `${dir}/${notebookFile[kind]}` },
      parameters: GDPR_JOB_PARAMETERS[kind].map((name) => ({ name, default: "" })),
      schedule: kind === "retention" ? s.databricks.gdprRetentionSchedule : null,
      timeoutSeconds: TIMEOUT_SECONDS[kind],
      notificationEmails: [...(s.notificationEmails ?? [])],
      runAsServicePrincipal: s.databricks.gdprServicePrincipal,
      permissions: [
        { principal: p.platform_admin, level: "CAN_MANAGE" as const },
        // Requests are started by GDPR officers (or `lakemesh gdpr request`); retention runs on its schedule.
        ...(kind === "retention" ? [] : [{ principal: p.gdpr_officer, level: "CAN_MANAGE_RUN" as const }]),
        // The serving API files requests for its tenants' admins; its tenant principals are in the API persona's group.
        ...(kind !== "retention" && s.serving ? [{ principal: p.api_service, level: "CAN_MANAGE_RUN" as const }] : []),
        { principal: p.auditor, level: "CAN_VIEW" as const },
      ].sort((a, b) => (a.principal < b.principal ? -1 : 1)),
      tags: { lakemesh_env: s.env, lakemesh_gdpr: kind },
    }),
  );
  return {
    dir,
    folder: gdprFolder(s),
    module: { resourceName: "gdpr-module", source: `${GDPR_CODE_DIR}/${GDPR_MODULE}`, path: `${dir}/${GDPR_MODULE}` },
    settings: { resourceName: "gdpr-settings", path: `${dir}/${GDPR_SETTINGS_FILE}`, values, content: stableJson(values) + "\n" },
    jobs,
    secretScope: {
      name: s.databricks.gdprSecretScope,
      saltKey: SUBJECT_SALT_KEY,
      // The salt reverses subject hashes by brute force: only the workloads that hash (pipelines at ingest, the
      // GDPR jobs' principal) read it, not the people in the GDPR officer group.
      readers: [pipelinesGroup(s), s.databricks.gdprServicePrincipal].sort(),
      managers: [p.platform_admin],
    },
  };
}
