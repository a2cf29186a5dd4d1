// The plan as the access model reads it: every registered resource with its inputs, whether it comes from the
// offline plan, the policy harness or the engine. Type tokens of what grants or does something live here.
import type { PipelineContract } from "../compile/contract";
import type { Identities } from "./identities";

/** A registered resource: the offline plan's shape (and the policy harness's). */
export interface AccessResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly dependsOn: readonly string[];
  /** Provider URN (without the id), or "" for the default provider. */
  readonly provider: string;
  readonly inputs: Record<string, any>;
}

export const R = {
  Identities: "lakemesh:access:Identities",
  GroupMembership: "lakemesh:access:GroupMembership",
  GroupMember: "databricks:index/groupMember:GroupMember",
  Grants: "databricks:index/grants:Grants",
  Grant: "databricks:index/grant:Grant",
  Catalog: "databricks:index/catalog:Catalog",
  Schema: "databricks:index/schema:Schema",
  Volume: "databricks:index/volume:Volume",
  Permissions: "databricks:index/permissions:Permissions",
  SecretScope: "databricks:index/secretScope:SecretScope",
  SecretAcl: "databricks:index/secretAcl:SecretAcl",
  TagPolicy: "databricks:index/tagPolicy:TagPolicy",
  RuleSet: "databricks:index/accessControlRuleSet:AccessControlRuleSet",
  PolicyInfo: "databricks:index/policyInfo:PolicyInfo",
  Pipeline: "databricks:index/pipeline:Pipeline",
  Job: "databricks:index/job:Job",
  WorkspaceFile: "databricks:index/workspaceFile:WorkspaceFile",
  Notebook: "databricks:index/notebook:Notebook",
  KafkaAcl: "kafka:index/acl:Acl",
  SqlObject: "pulumi-nodejs:dynamic:Resource",
  ConfigMap: "kubernetes:core/v1:ConfigMap",
  DatabricksProvider: "pulumi:providers:databricks",
} as const;

/** Workspace paths as jobs and pipelines give them (`/Workspace/...`) and as resources create them. */
export const workspacePath = (p: string) => p.replace(/^\/Workspace(?=\/)/, "");

/**
 * The principal an access control entry or run-as block names: its one non-empty name. Databricks takes exactly one
 * of group_name, service_principal_name and user_name per entry
 * (https://registry.terraform.io/providers/databricks/databricks/latest/docs/resources/permissions#access_control);
 * the provider's Check fills the two unset ones with "" (the real engine's preview hands stack policies
 * `{ groupName: "", servicePrincipalName: "<id>", userName: "" }`), so an empty name is no name.
 */
export function principalOf(a: { groupName?: unknown; servicePrincipalName?: unknown; userName?: unknown } | null | undefined): string | undefined {
  for (const v of [a?.groupName, a?.servicePrincipalName, a?.userName]) if (typeof v === "string" && v !== "") return v;
  return undefined;
}

/** Text of a workspace file created from inline content, or undefined (a file uploaded from a source path). */
export function fileText(r: AccessResource): string | undefined {
  const b64 = r.inputs.contentBase64;
  return typeof b64 === "string" ? Buffer.from(b64, "base64").toString("utf8") : undefined;
}

/** The uploaded workspace files with inline content, by workspace path. */
export function filesByPath(resources: readonly AccessResource[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of resources) {
    if (r.type !== R.WorkspaceFile || typeof r.inputs.path !== "string") continue;
    const text = fileText(r);
    if (text !== undefined) out.set(r.inputs.path, text);
  }
  return out;
}

/** Every uploaded pipeline contract, by workspace path. */
export function contractsByPath(resources: readonly AccessResource[]): Map<string, PipelineContract> {
  const out = new Map<string, PipelineContract>();
  for (const [p, text] of filesByPath(resources)) if (p.endsWith("/contract.json")) out.set(p, JSON.parse(text) as PipelineContract);
  return out;
}

/** The stack's declared identities (the Identities component's inputs), if the plan has them. */
export function identitiesOf(resources: readonly AccessResource[]): Identities | undefined {
  // Without its spec (under a targeted `pulumi up` that leaves it out, the engine hands stack policies an Identities
  // with no outputs) the plan declares no identities.
  const r = resources.find((x) => x.type === R.Identities && typeof x.inputs.account === "object" && x.inputs.account !== null);
  return r ? (r.inputs as Identities) : undefined;
}

/** The SQL text a governance SqlObject runs, by object name (catalog.schema.name). */
export function governanceSql(resources: readonly AccessResource[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of resources) {
    if (r.type !== R.SqlObject || typeof r.inputs.objectName !== "string" || !Array.isArray(r.inputs.create)) continue;
    out.set(r.inputs.objectName, (r.inputs.create as { sql: string }[]).map((s) => s.sql).join(";\n"));
  }
  return out;
}

/** Splits `catalog.schema.name` into its securable chain, outermost first. */
export function chain(name: string): { catalog: string; schema: string } {
  const [catalog, schema] = name.split(".");
  return { catalog, schema: `${catalog}.${schema}` };
}
