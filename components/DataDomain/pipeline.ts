import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { accessControl, CONFIG_KEYS, PIPELINE_SPARK_CONF, type DomainArtifacts, type DomainSpec } from "../../lib/compile";
import { createFolder } from "../folder";
import { projectFileBase64 } from "../options";

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
/** Workspace files are read from pipelines and jobs under /Workspace. */
const fsPath = (workspacePath: string) => `/Workspace${workspacePath}`;

/**
 * The pipeline module (one WorkspaceFile per source file), the domain's compiled contract and governance SQL,
 * the Lakeflow pipeline, and the job that updates it and then applies governance.
 */
export function createPipeline(
  spec: DomainSpec,
  root: string,
  artifacts: pulumi.Output<DomainArtifacts>,
  refs: { catalog: pulumi.Input<string>; warehouseId: pulumi.Input<string> },
  /** What the pipeline needs first: its schema, and the Kafka credentials it reads. */
  needs: pulumi.Resource[],
  parent: pulumi.Resource,
): { pipeline: databricks.Pipeline; job: databricks.Job; files: databricks.WorkspaceFile[] } {
  const p = spec.pipeline;
  // The code runs as a principal that sees every tenant unmasked: it goes only into a folder whose ACL is set.
  const { ready } = createFolder(spec.folder, parent);
  const inFolder = { parent, dependsOn: [ready] };
  const code = p.codeFiles.map((f) => new databricks.WorkspaceFile(f.resourceName, { path: f.path, contentBase64: projectFileBase64(root, f.source) }, inFolder));
  const contract = new databricks.WorkspaceFile(`${spec.name}-contract`, { path: p.contractPath, contentBase64: artifacts.apply((a) => base64(a.contractJson)) }, inFolder);
  const governance = new databricks.WorkspaceFile(`${spec.name}-governance-sql`, { path: p.governanceSqlPath, contentBase64: artifacts.apply((a) => base64(a.governanceSql)) }, inFolder);
  // Every update runs as the domain's service principal, in every environment (never as the deployer).
  const runAs = { servicePrincipalName: p.runAsServicePrincipal };
  const pipeline = new databricks.Pipeline(
    p.resourceName,
    {
      name: p.name,
      catalog: refs.catalog,
      schema: p.schema,
      serverless: true,
      continuous: p.continuous,
      development: p.development,
      channel: "CURRENT",
      libraries: [{ file: { path: p.entryPath } }],
      rootPath: p.rootPath,
      configuration: {
        [CONFIG_KEYS.contract]: fsPath(p.contractPath),
        // A contract change changes this value, so the pipeline is updated and re-reads it.
        [CONFIG_KEYS.contractSha256]: artifacts.apply((a) => a.contractSha256),
        [CONFIG_KEYS.env]: p.env,
        ...PIPELINE_SPARK_CONF,
        ...p.secretNames,
      },
      notifications: [{ emailRecipients: [...p.notificationEmails], alerts: ["on-update-failure", "on-update-fatal-failure", "on-flow-failure"] }],
      runAs,
      tags: { ...p.tags },
    },
    { parent, dependsOn: [...needs, contract, ...code] },
  );
  // The job (run as the domain principal) starts updates: CAN_RUN is the documented minimum (PIPELINE_ACL_DOCS).
  const permissions = new databricks.Permissions(
    `${p.resourceName}-permissions`,
    { pipelineId: pipeline.id, accessControls: p.permissions.map((x) => ({ ...accessControl(x.principal), permissionLevel: x.level })) },
    { parent: pipeline },
  );
  const j = spec.job;
  const tasks = [
    {
      taskKey: "governance",
      dependsOns: j.runsPipeline ? [{ taskKey: "pipeline_update" }] : [],
      sqlTask: { warehouseId: refs.warehouseId, file: { path: fsPath(p.governanceSqlPath), source: "WORKSPACE" } },
    },
    ...(j.runsPipeline ? [{ taskKey: "pipeline_update", pipelineTask: { pipelineId: pipeline.id } }] : []),
  ].sort((a, b) => (a.taskKey < b.taskKey ? -1 : 1)); // the provider never converges unless tasks are sorted by taskKey
  const job = new databricks.Job(
    j.resourceName,
    {
      name: j.name,
      maxConcurrentRuns: 1,
      queue: { enabled: true },
      schedule: j.schedule ? { quartzCronExpression: j.schedule, timezoneId: j.timezone, pauseStatus: "UNPAUSED" } : undefined,
      emailNotifications: { onFailures: [...j.notificationEmails] },
      runAs,
      tags: { ...j.tags },
      tasks,
    },
    { parent, dependsOn: [governance, permissions] },
  );
  return { pipeline, job, files: [...code, contract, governance] };
}
