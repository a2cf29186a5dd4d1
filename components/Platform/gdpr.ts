import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { accessControl, type GdprSpec } from "../../lib/compile";
import { TYPES } from "../types";
import { createFolder } from "../folder";
import { keep, projectFileBase64 } from "../options";

/** Arguments for {@link Gdpr}. */
export interface GdprArgs {
  /** Compiled GDPR jobs and secret scope (lib/compile compileGdprJobs). */
  readonly spec: GdprSpec;
  /** Salt of subject hashes (secret config lakemesh:subjectHashSalt). */
  readonly subjectSalt: pulumi.Input<string>;
  /**
   * Whether the secret scope and salt are protected and kept on delete: a lost salt makes the suppression list
   * unmatchable, and erased subjects would come back with the next replay.
   * @default false
   */
  readonly protect?: boolean;
  /** What the jobs need before they can run: the governance tables they read and write. */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
  /** Project folder the spec's project-relative notebooks and module are read from. */
  readonly root: string;
  /**
   * What the GDPR folder is created after: the stack's root folder and its ACL.
   * @default []
   */
  readonly folderDependsOn?: pulumi.Resource[];
}

/**
 * The GDPR workflows of a stack: the secret scope holding the subject-hash salt (read by pipelines and the jobs),
 * the job notebooks and their shared module, and the subject access, erasure and nightly retention jobs with
 * their permissions.
 */
export class Gdpr extends pulumi.ComponentResource {
  /** Job ids by kind (subject-access, erasure, retention). */
  public readonly jobIds: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: GdprArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPES.Gdpr, name, { jobs: args.spec.jobs.map((j) => j.name) }, opts);
    const { spec } = args;
    const protect = args.protect ?? false;
    const scope = new databricks.SecretScope("gdpr-secret-scope", { name: spec.secretScope.name }, keep(this, protect));
    const salt = new databricks.Secret(
      "gdpr-subject-salt",
      { scope: scope.name, key: spec.secretScope.saltKey, stringValue: pulumi.secret(args.subjectSalt) },
      keep(this, protect, { parent: scope }),
    );
    const acls = [
      ...spec.secretScope.managers.map((principal) => ({ principal, permission: "MANAGE" })),
      ...spec.secretScope.readers.map((principal) => ({ principal, permission: "READ" })),
    ].map((a) => new databricks.SecretAcl(`gdpr-secret-acl-${a.principal}`, { scope: scope.name, principal: a.principal, permission: a.permission }, { parent: scope }));

    // Code that runs with access to every registered table: uploaded only into a folder whose ACL is already set.
    const { ready } = createFolder(spec.folder, this, args.folderDependsOn ?? []);
    const module = new databricks.WorkspaceFile(spec.module.resourceName, { path: spec.module.path, contentBase64: projectFileBase64(args.root, spec.module.source) }, { parent: this, dependsOn: [ready] });
    // The jobs' fixed settings, beside the module: only platform admins (the folder's managers) can change them; a
    // run cannot override them as it could job parameters. The notebook reads the file by its absolute path
    // (https://docs.databricks.com/aws/en/files/workspace-interact: "Storing small data files alongside notebooks and
    // code"; on serverless the working directory is not guaranteed, so not a relative path).
    const settingsFile = new databricks.WorkspaceFile(
      spec.settings.resourceName,
      { path: spec.settings.path, contentBase64: Buffer.from(spec.settings.content, "utf8").toString("base64") },
      { parent: this, dependsOn: [ready] },
    );
    const ids: Record<string, pulumi.Output<string>> = {};
    for (const j of spec.jobs) {
      const notebook = new databricks.Notebook(j.notebook.resourceName, { path: j.notebook.path, contentBase64: projectFileBase64(args.root, j.notebook.source), language: "PYTHON" }, { parent: this, dependsOn: [ready] });
      const job = new databricks.Job(
        j.resourceName,
        {
          name: j.name,
          description: j.description,
          parameters: j.parameters.map((p) => ({ name: p.name, default: p.default })),
          // Serverless (no cluster): the notebook reads the request id as a widget and refuses any other.
          tasks: [{ taskKey: "run", notebookTask: { notebookPath: notebook.path, source: "WORKSPACE" }, timeoutSeconds: j.timeoutSeconds }],
          maxConcurrentRuns: 1,
          queue: { enabled: true },
          timeoutSeconds: j.timeoutSeconds,
          schedule: j.schedule ? { quartzCronExpression: j.schedule, timezoneId: "UTC", pauseStatus: "UNPAUSED" } : undefined,
          emailNotifications: { onFailures: [...j.notificationEmails] },
          runAs: { servicePrincipalName: j.runAsServicePrincipal },
          tags: { ...j.tags },
        },
        { parent: this, dependsOn: [notebook, module, settingsFile, salt, ...acls, ...(args.dependsOn ?? [])] },
      );
      new databricks.Permissions(
        `${j.resourceName}-permissions`,
        { jobId: job.id, accessControls: j.permissions.map((p) => ({ ...accessControl(p.principal), permissionLevel: p.level })) },
        { parent: job },
      );
      ids[j.kind] = job.id;
    }
    this.jobIds = ids;
    this.registerOutputs({ jobIds: this.jobIds });
  }
}
