import { GOVERNANCE_SCHEMA, gdprJobName, gdprWorkspaceDir, governanceNames, pipelinesGroup, platformPhysicalNames } from "./naming";
import type { Settings } from "./settings";
import { gdprFolder, type FolderSpec } from "./workspace";

/** The three GDPR jobs; each runs the notebook of the same name in notebooks/gdpr/. */
export const GDPR_JOB_KINDS = ["subject-access", "erasure", "retention"] as const;
export type GdprJobKind = (typeof GDPR_JOB_KINDS)[number];

/** Project folder of the GDPR job code; `lakemesh_gdpr.py` is the module the three notebooks share. */
export const GDPR_CODE_DIR = "notebooks/gdpr";
export const GDPR_MODULE = "lakemesh_gdpr.py";
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
  /** Job parameters and their defaults; the notebook reads them as widgets. Names match the notebook's PARAMETERS. */
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
  readonly jobs: readonly GdprJobSpec[];
  /** Secret scope of the subject-hash salt, and who may read it (pipelines drop suppressed subjects with it). */
  readonly secretScope: { readonly name: string; readonly saltKey: string; readonly readers: readonly string[]; readonly managers: readonly string[] };
}

const DESCRIPTIONS: Record<GdprJobKind, string> = {
  "subject-access": "lakemesh GDPR subject access: every row of one subject in one tenant, across every registered dataset and layer, exported as JSON to the gdpr_exports volume.",
  erasure:
    "lakemesh GDPR erasure: suppress the subject for ingest, delete in bronze, delete or anonymize in silver and gold as the manifests say (SQL DELETE and UPDATE), then REORG ... APPLY (PURGE); the nightly retention job VACUUMs.",
  retention: "lakemesh nightly retention: delete rows older than each registered dataset's retention period, then purge and VACUUM every registered table.",
};

const TIMEOUT_SECONDS: Record<GdprJobKind, number> = { "subject-access": 2 * 3600, erasure: 4 * 3600, retention: 6 * 3600 };

/**
 * The GDPR jobs of a stack: subject access, erasure and nightly retention. Each is one notebook task on
 * serverless compute, queued, one run at a time (Delta DELETE and MERGE of two runs would conflict), run as the
 * GDPR service principal, with failures mailed to the platform's contacts. Values such as tenant and subject are
 * job parameters; the notebooks validate them and bind them, never format them into SQL.
 */
export function compileGdprJobs(s: Settings): GdprSpec {
  const dir = gdprWorkspaceDir(s);
  const g = governanceNames(s.catalog);
  const exportRoot = `/Volumes/${s.catalog}/${GOVERNANCE_SCHEMA}/${platformPhysicalNames(s).gdprVolume}`;
  const common = [
    { name: "registry_table", default: g.gdprRegistry },
    { name: "request_id", default: "" },
    { name: "catalog_override", default: "" },
  ];
  // Only the jobs about one subject hash it, so only they read the salt: retention runs without the secret.
  const subject = [
    { name: "tenant_id", default: "" },
    { name: "subject_id", default: "" },
    { name: "salt_secret_scope", default: s.databricks.gdprSecretScope },
  ];
  // Empty: VACUUM keeps the table's own threshold (delta.deletedFileRetentionDuration, from vacuumRetentionHours).
  // Only the nightly retention job VACUUMs: an erasure's removed files are younger than the threshold when it ends.
  const vacuum = { name: "vacuum_retain_hours", default: "" };
  const parameters: Record<GdprJobKind, { name: string; default: string }[]> = {
    "subject-access": [...subject, ...common, { name: "export_root", default: exportRoot }],
    erasure: [...subject, ...common],
    retention: [...common, vacuum],
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
      parameters: [...parameters[kind]].sort((a, b) => (a.name < b.name ? -1 : 1)),
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
