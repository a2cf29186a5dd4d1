// Shared helpers of the lakemesh rules: resource type tokens, typed accessors of our components' inputs, and the
// plain-data views (manifests, contracts, topics) several rules need. Rules stay small; what they share lives here.
import * as path from "path";
import type { PolicyResource, ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { parse as parseYaml } from "yaml";
import type { AccessResource } from "../lib/access/plan";
import type { PipelineContract } from "../lib/compile/contract";
import type { DomainManifest } from "../lib/manifest/types.gen";
import { displayPath, type FieldPath } from "../lib/manifest/paths";
import { locateField } from "../lib/manifest/positions";

export const T = {
  DataDomain: "lakemesh:domain:DataDomain",
  Platform: "lakemesh:platform:Platform",
  Job: "databricks:index/job:Job",
  Topic: "kafka:index/topic:Topic",
  Grants: "databricks:index/grants:Grants",
  PolicyInfo: "databricks:index/policyInfo:PolicyInfo",
  Grant: "databricks:index/grant:Grant",
  Catalog: "databricks:index/catalog:Catalog",
  Schema: "databricks:index/schema:Schema",
  StorageCredential: "databricks:index/storageCredential:StorageCredential",
  ExternalLocation: "databricks:index/externalLocation:ExternalLocation",
  WorkspaceFile: "databricks:index/workspaceFile:WorkspaceFile",
  Notebook: "databricks:index/notebook:Notebook",
  Directory: "databricks:index/directory:Directory",
  Permissions: "databricks:index/permissions:Permissions",
  Pipeline: "databricks:index/pipeline:Pipeline",
  SqlObject: "pulumi-nodejs:dynamic:Resource",
  Bucket: "aws:s3/bucket:Bucket",
  PublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  BucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  BucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  KmsKey: "aws:kms/key:Key",
  ConfigMap: "kubernetes:core/v1:ConfigMap",
  CronJob: "kubernetes:batch/v1:CronJob",
  K8sSecret: "kubernetes:core/v1:Secret",
} as const;

/** A rule's id is its file name (cdk-nag convention). */
export const ruleId = (file: string) => path.parse(file).name;

/** Stack name from a URN: urn:pulumi:<stack>::<project>::... */
export function stackOf(urn: string): string {
  return urn.split(":")[2]?.split("::")[0] ?? "";
}

export function isProdStack(urn: string, pattern: string): boolean {
  return new RegExp(pattern).test(stackOf(urn));
}

/** The DataDomain component's inputs: the validated manifest, and the physical names of its schema and topics. */
export interface DataDomainProps {
  readonly manifest: DomainManifest;
  readonly env: string;
  readonly schema: string;
  /** Topics in the order of spec.topics. */
  readonly topics: readonly { readonly name: string; readonly personalData: boolean }[];
  /** The manifest's file, relative to the project (absent in plans made before it was recorded). */
  readonly manifestFile?: string;
}

/**
 * Folders a manifest file is looked up in: the project `lakemesh plan` runs in (harness option), the working
 * folder, and the project this pack sits in (policies/ or dist/policies/ under it), as `pulumi preview` runs it.
 */
const roots: string[] = [];
export function setManifestRoots(first: readonly string[]): void {
  roots.splice(0, roots.length, ...first, process.cwd(), path.resolve(__dirname, ".."), path.resolve(__dirname, "..", ".."));
}
setManifestRoots([]);

/**
 * Where a violation's manifest field is, as validate names it: `file:line:col: <field path>`, looked up in the
 * manifest's file; without the file (or when it no longer holds this manifest), the domain and the field path.
 */
export function where(d: DataDomainProps, field: FieldPath): string {
  return d.manifestFile ? locateField(roots, d.manifestFile, d.manifest, field) : `${d.manifest.metadata.name}: ${displayPath(field)}`;
}

export function domainProps(r: { type: string; props: Record<string, any> }): DataDomainProps | undefined {
  return r.type === T.DataDomain && r.props.manifest ? (r.props as DataDomainProps) : undefined;
}

/** A secret input, as the offline harness marks it. The engine unwraps secrets before JS policies see them. */
export function isSecretMarker(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)["@secret"] === "[redacted]";
}

/** Every domain's contract, decoded from its uploaded contract.json workspace file. */
export function contractsOf<R extends Pick<PolicyResource, "type" | "props">>(resources: readonly R[]): { resource: R; contract: PipelineContract }[] {
  const out = [];
  for (const r of resources) {
    if (r.type !== T.WorkspaceFile || typeof r.props.path !== "string" || !r.props.path.endsWith("/contract.json")) continue;
    const b64 = r.props.contentBase64;
    if (typeof b64 !== "string") continue;
    out.push({ resource: r, contract: JSON.parse(Buffer.from(b64, "base64").toString("utf8")) as PipelineContract });
  }
  return out;
}

/** Topic config value as a number, or undefined. */
export function topicNumber(props: Record<string, any>, key: string): number | undefined {
  const v = props.config?.[key];
  return v === undefined || v === null || v === "" ? undefined : Number(v);
}

/** `file:line:col: spec.topics[i].<field>: ` of the manifest that declares a physical topic, else "". */
export function topicDeclaration(resources: readonly Pick<PolicyResource, "type" | "props">[], topic: string, field: string): string {
  for (const r of resources) {
    const d = domainProps(r);
    const i = d?.topics.findIndex((t) => t.name === topic) ?? -1;
    if (d && i >= 0) return `${where(d, ["spec", "topics", i, field])}: `;
  }
  return "";
}

/** Physical names of topics that carry personal data, from every DataDomain's spec. */
export function personalTopics(resources: readonly Pick<PolicyResource, "type" | "props">[]): Set<string> {
  return new Set(resources.flatMap((r) => domainProps(r)?.topics.filter((t) => t.personalData).map((t) => t.name) ?? []));
}

/** DataHub ingestion recipes in a ConfigMap's data: each file that looks like one, parsed (or the parse error). */
export function recipesOf(props: Record<string, any>): { file: string; recipe?: any; error?: string }[] {
  const out: { file: string; recipe?: any; error?: string }[] = [];
  for (const [file, text] of Object.entries((props.data ?? {}) as Record<string, unknown>)) {
    if (typeof text !== "string" || !/^source:|\nsource:/.test(text)) continue;
    try {
      out.push({ file, recipe: parseYaml(text) });
    } catch (e) {
      out.push({ file, error: (e as Error).message });
    }
  }
  return out;
}

/** A report function bound to a resource's URN, for stack rules. */
export const at = (report: ReportViolation, r: PolicyResource) => (message: string) => report(message, r.urn);

export type { ResourceValidationArgs };

/** Column clauses of a schema DDL string, split on top-level commas (outside quotes and parentheses), by column name. */
export function columnClauses(schema: string): Map<string, string> {
  const out = new Map<string, string>();
  let depth = 0;
  let quoted = false;
  let start = 0;
  const push = (end: number) => {
    const clause = schema.slice(start, end).trim();
    const m = /^`([^`]+)`/.exec(clause);
    if (m) out.set(m[1], clause);
  };
  for (let i = 0; i < schema.length; i++) {
    const ch = schema[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === "(") depth++;
    else if (!quoted && ch === ")") depth--;
    else if (!quoted && depth === 0 && ch === ",") {
      push(i);
      start = i + 1;
    }
  }
  push(schema.length);
  return out;
}

/** The clause without its quoted comment, so a comment cannot fake a MASK. */
export const withoutQuoted = (clause: string) => clause.replace(/'[^']*'/g, "''");

/** A stack rule's resources as the access model reads them (lib/access). */
export function accessResources(resources: readonly PolicyResource[]): AccessResource[] {
  return resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.parent?.urn ?? "",
    dependsOn: r.dependencies.map((d) => d.urn),
    provider: r.provider?.urn ?? "",
    inputs: r.props,
  }));
}
