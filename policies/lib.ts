// Shared helpers of the lakemesh rules: resource type tokens, typed accessors of our components' inputs, and the
// plain-data views (manifests, contracts, topics) several rules need. Rules stay small; what they share lives here.
import * as path from "path";
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
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
  Volume: "databricks:index/volume:Volume",
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

/**
 * A DataDomain's inputs, or undefined for other resources. The component's inputs are plain data, known at preview;
 * should the manifest ever be unknown, the check is left to the update under `rule`.
 */
export function domainProps(r: { type: string; urn: string; props: Record<string, any> }, rule: string): DataDomainProps | undefined {
  if (r.type !== T.DataDomain) return undefined;
  const props = known(() => {
    const p = r.props as DataDomainProps;
    return p.manifest && { manifest: p.manifest, env: p.env, schema: p.schema, topics: p.topics, ...(p.manifestFile ? { manifestFile: p.manifestFile } : {}) };
  });
  if (props === UNKNOWN) {
    checkedAtUpdate(rule, r.urn, "the domain's manifest (unknown)");
    return undefined;
  }
  return props || undefined;
}

/** A secret input, as the offline harness marks it. The engine unwraps secrets before JS policies see them. */
export function isSecretMarker(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)["@secret"] === "[redacted]";
}

/** Every domain's contract, decoded from its uploaded contract.json workspace file; an unknown one is left to the update. */
export function contractsOf<R extends Pick<PolicyResource, "type" | "props" | "urn">>(resources: readonly R[], rule: string): { resource: R; contract: PipelineContract }[] {
  const out = [];
  for (const r of resources) {
    if (r.type !== T.WorkspaceFile) continue;
    const file = known(() => r.props.path);
    if (file === UNKNOWN) {
      checkedAtUpdate(rule, r.urn, "whether this workspace file is a pipeline contract (its path is unknown)");
      continue;
    }
    if (typeof file !== "string" || !file.endsWith("/contract.json")) continue;
    const b64 = known(() => r.props.contentBase64);
    if (b64 === UNKNOWN) {
      checkedAtUpdate(rule, r.urn, `the pipeline contract ${file} (its content is rendered from values unknown at preview)`);
      continue;
    }
    if (typeof b64 !== "string") continue;
    out.push({ resource: r, contract: JSON.parse(Buffer.from(b64, "base64").toString("utf8")) as PipelineContract });
  }
  return out;
}

/** Topic config value as a number, undefined when unset, UNKNOWN when unknown at preview. */
export function topicNumber(props: Record<string, any>, key: string): Known<number | undefined> {
  const v = known(() => props.config?.[key]);
  if (v === UNKNOWN) return UNKNOWN;
  return v === undefined || v === null || v === "" ? undefined : Number(v);
}

/** `file:line:col: spec.topics[i].<field>: ` of the manifest that declares a physical topic, else "". */
export function topicDeclaration(resources: readonly Pick<PolicyResource, "type" | "props" | "urn">[], topic: string, field: string, rule: string): string {
  for (const r of resources) {
    const d = domainProps(r, rule);
    const i = d?.topics.findIndex((t) => t.name === topic) ?? -1;
    if (d && i >= 0) return `${where(d, ["spec", "topics", i, field])}: `;
  }
  return "";
}

/** Physical names of topics that carry personal data, from every DataDomain's spec. */
export function personalTopics(resources: readonly Pick<PolicyResource, "type" | "props" | "urn">[], rule: string): Set<string> {
  return new Set(resources.flatMap((r) => domainProps(r, rule)?.topics.filter((t) => t.personalData).map((t) => t.name) ?? []));
}

/**
 * DataHub ingestion recipes in a ConfigMap's data: each file that looks like one, parsed (or the parse error).
 * Data unknown at preview (rendered from values a provider computes) is recorded as checked at update for `rule`.
 */
export function recipesOf(props: Record<string, any>, rule: string, urn: string | undefined): { file: string; recipe?: any; error?: string }[] {
  const out: { file: string; recipe?: any; error?: string }[] = [];
  const data = known(() => (props.data ?? {}) as Record<string, unknown>);
  if (data === UNKNOWN) {
    checkedAtUpdate(rule, urn, "the ConfigMap's data");
    return out;
  }
  for (const file of Object.keys(data)) {
    const text = known(() => data[file]);
    if (text === UNKNOWN) {
      checkedAtUpdate(rule, urn, `${file} (rendered from values unknown at preview)`);
      continue;
    }
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

// ---- Inputs unknown at preview -------------------------------------------------------------------------------------
// At `pulumi preview` the engine gives rules the inputs of resources that do not exist yet: ids and provider-computed
// values are unknown. Reading one through `args.props` throws (@pulumi/policy wraps props in an unknown-checking
// proxy), and the engine then reports "can't run policy" as an advisory note instead of a result: a mandatory rule
// silently stops protecting anything. So every rule, by convention (README, "Adding a rule"):
//   1. reads inputs with `known(() => ...)`, which gives UNKNOWN instead of throwing;
//   2. checks everything that is known;
//   3. hands each unknown it needed to `checkedAtUpdate(rule, urn, what)`: lm-checked-at-update lists them in the
//      preview, and `pulumi up` runs the same rule once the values are known.

/** What `known` gives for a value the engine does not know yet. */
export const UNKNOWN: unique symbol = Symbol("unknown at preview");
export type Known<T> = T | typeof UNKNOWN;

// @internal in @pulumi/policy (its typings are stripped) but what its policy server uses, since 1.0: the error the
// proxy throws, the proxy itself (the offline harness wraps props the same way) and the engine's unknown sentinel.
const proxy = require("@pulumi/policy/proxy") as {
  UnknownValueError: new (...args: never[]) => Error;
  unknownCheckingProxy<T>(v: T): T;
  unknownStringValue: string;
  getSpecialProxyTarget: string;
} & Record<"unknownBooleanValue" | "unknownNumberValue" | "unknownArrayValue" | "unknownAssetValue" | "unknownArchiveValue" | "unknownObjectValue", string>;

/** Every sentinel the engine puts where an input is unknown (one per value type). */
const UNKNOWN_SENTINELS: ReadonlySet<unknown> = new Set(
  (["unknownBooleanValue", "unknownNumberValue", "unknownStringValue", "unknownArrayValue", "unknownAssetValue", "unknownArchiveValue", "unknownObjectValue"] as const).map((k) => proxy[k]),
);

/** The engine's wire form of an unknown input, as rules receive it (wrapped by `withUnknowns`). */
export const UNKNOWN_INPUT = proxy.unknownStringValue;

/** Props as the engine's policy server hands them to rules: reading an unknown value throws. */
export const withUnknowns = <T extends object>(props: T): T => proxy.unknownCheckingProxy(props);

/** Whether an error is the policy SDK's "value unknown during preview". */
export const isUnknownError = (e: unknown): boolean => e instanceof proxy.UnknownValueError;

/** Evaluates `read`; UNKNOWN if it touched a value unknown at preview. Any other error propagates. */
export function known<T>(read: () => T): Known<T> {
  try {
    return read();
  } catch (e) {
    if (isUnknownError(e)) return UNKNOWN;
    throw e;
  }
}

/** A check a rule could not make at preview, because an input it needs is unknown until the update. */
export interface Deferred {
  readonly rule: string;
  readonly urn: string | undefined;
  readonly what: string;
}

const deferred = new Map<string, Deferred>();

/** Records that `rule` could not check `what` of the resource `urn` at preview (listed by lm-checked-at-update). */
export function checkedAtUpdate(rule: string, urn: string | undefined, what: string): void {
  deferred.set(`${rule}\u0000${urn ?? ""}\u0000${what}`, { rule, urn, what });
}

/** Every deferred check recorded since the last call, sorted; the list starts empty again. */
export function takeDeferred(): Deferred[] {
  const out = [...deferred.values()].sort((a, b) => (a.rule + (a.urn ?? "") + a.what < b.rule + (b.urn ?? "") + b.what ? -1 : 1));
  deferred.clear();
  return out;
}

/**
 * Ids other rules read, formed from the inputs of the resource they belong to (Databricks provider docs: a schema's
 * id is `<catalog>.<name>`, https://www.pulumi.com/registry/packages/databricks/api-docs/schema/#outputs; a volume's
 * `<catalog>.<schema>.<name>`, https://www.pulumi.com/registry/packages/databricks/api-docs/volume/#outputs).
 */
const ID_FROM_INPUTS: Readonly<Record<string, (p: Record<string, any>) => string>> = {
  // An S3 bucket's id is its name: https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucket/#outputs
  [T.Bucket]: (p) => String(p.bucket),
  [T.Catalog]: (p) => String(p.name),
  [T.Schema]: (p) => `${p.catalogName}.${p.name}`,
  [T.Volume]: (p) => `${p.catalogName}.${p.schemaName}.${p.name}`,
};

/**
 * A stack rule's input, known where possible: an input that is unknown at preview because it is the id of one other
 * resource of the stack (a Grants on `schema: schema.id`) is formed from that resource's known inputs.
 */
export function resolvedInput(r: Pick<PolicyResource, "props" | "propertyDependencies">, key: string): Known<unknown> {
  const v = known(() => r.props[key]);
  if (v !== UNKNOWN) return v;
  const deps = r.propertyDependencies?.[key] ?? [];
  const from = deps.length === 1 ? ID_FROM_INPUTS[deps[0].type] : undefined;
  return from ? known(() => from(deps[0].props)) : UNKNOWN;
}

/**
 * Which of `candidates` (public access blocks, encryption configurations, policies) belong to `bucket`: children of
 * it, or naming it (by name, or by its id through resolvedInput). `undecided` are candidates whose bucket is unknown.
 */
export function ofBucket(bucket: PolicyResource, candidates: readonly PolicyResource[]): { mine: PolicyResource[]; undecided: PolicyResource[] } {
  const name = known(() => bucket.props.bucket);
  const mine: PolicyResource[] = [];
  const undecided: PolicyResource[] = [];
  for (const c of candidates) {
    if (c.parent?.urn === bucket.urn) mine.push(c);
    else {
      const target = resolvedInput(c, "bucket");
      if (target === UNKNOWN || name === UNKNOWN) undecided.push(c);
      else if (target === name) mine.push(c);
    }
  }
  return { mine, undecided };
}

/** A bucket's name for messages: its `bucket` input, else its logical name. */
export const bucketLabel = (b: PolicyResource) => {
  const n = known(() => b.props.bucket);
  return n === UNKNOWN || n === undefined ? b.name : String(n);
};

/** Securable keys of a databricks Grants or Grant, in the order the provider documents them. */
export const SECURABLE_KINDS = ["catalog", "schema", "table", "volume", "function", "externalLocation", "storageCredential", "metastore"] as const;

/**
 * The securable a Grants or Grant is on: its kind and full name (through resolvedInput, so a schema or volume id
 * unknown at preview is formed from that resource's inputs); name UNKNOWN when even that is not possible, undefined
 * when no securable key is set.
 */
export function securableOf(r: PolicyResource, kinds: readonly string[] = SECURABLE_KINDS): { kind: string; name: Known<string> } | undefined {
  for (const kind of kinds) {
    const v = resolvedInput(r, kind);
    if (v === UNKNOWN) return { kind, name: UNKNOWN };
    if (typeof v === "string") return { kind, name: v };
  }
  return undefined;
}

/**
 * Keys whose value is the id of a resource of this type: the Databricks provider's Permissions, Job task and SQL task
 * arguments (https://www.pulumi.com/registry/packages/databricks/api-docs/permissions/,
 * https://www.pulumi.com/registry/packages/databricks/api-docs/job/).
 */
const ID_KEYS: Readonly<Record<string, string>> = {
  pipelineId: "databricks:index/pipeline:Pipeline",
  jobId: "databricks:index/job:Job",
  warehouseId: "databricks:index/sqlEndpoint:SqlEndpoint",
  sqlEndpointId: "databricks:index/sqlEndpoint:SqlEndpoint",
};

/** The access model's view of a stack: its resources as plain data, and the inputs that stay unknown at preview. */
export interface AccessView {
  readonly resources: AccessResource[];
  /** `<resource name> <input path>` of every input unknown at preview that could not be formed from known inputs. */
  readonly unresolved: string[];
}

/**
 * A stack rule's resources as the access model reads them (lib/access), as plain data. The model compares names and
 * ids, so an input unknown at preview is replaced by what it refers to where the resource names one: an id formed from
 * that resource's inputs (`<catalog>.<schema>` for a schema, as resolvedInput), else, for an id-valued key
 * (`pipelineId`, `warehouseId`...) depending on exactly one resource of that type, a placeholder naming that resource,
 * which every reference to the same resource shares. Any other unknown gets a placeholder of its own (it matches
 * nothing) and is listed in `unresolved`: rules leave what it could change to the update.
 */
export function accessView(resources: readonly PolicyResource[]): AccessView {
  const unresolved: string[] = [];
  const out = resources.map((r) => {
    const raw = (r.props as Record<string, unknown>)[proxy.getSpecialProxyTarget] ?? r.props;
    const resolve = (top: string, leaf: string, where: string): string | undefined => {
      const deps = r.propertyDependencies?.[top] ?? [];
      const formed = deps.length === 1 && ID_FROM_INPUTS[deps[0].type] ? known(() => ID_FROM_INPUTS[deps[0].type](deps[0].props)) : UNKNOWN;
      if (formed !== UNKNOWN && (leaf === top || ID_KEYS[leaf] === undefined)) return formed;
      const ofType = deps.filter((d) => d.type === ID_KEYS[leaf]);
      if (ofType.length === 1) return `(id of ${ofType[0].urn})`;
      unresolved.push(`${r.name} ${where || "(all inputs)"}`);
      // An unknown id or securable gets a name that matches nothing; any other unknown value (a list, a file's
      // content, a flag) is absent, so the model reads no grant, file or setting from it.
      return leaf in ID_KEYS || (SECURABLE_KINDS as readonly string[]).includes(leaf) ? `(unknown at preview: ${r.urn} ${where})` : undefined;
    };
    const plain = (v: unknown, top: string, leaf: string, where: string): unknown => {
      if (UNKNOWN_SENTINELS.has(v)) return resolve(top, leaf, where);
      if (Array.isArray(v)) return v.map((x, i) => plain(x, top, leaf, `${where}[${i}]`));
      if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x, top || k, k, where ? `${where}.${k}` : k)]));
      return v;
    };
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent?.urn ?? "",
      dependsOn: r.dependencies.map((d) => d.urn),
      provider: r.provider?.urn ?? "",
      inputs: (plain(raw, "", "", "") ?? {}) as Record<string, any>,
    };
  });
  return { resources: out, unresolved: [...new Set(unresolved)].sort() };
}

/**
 * Whether the stack's declared identities (the Identities component's inputs, plain data from the settings) are
 * unknown in this view; then `rule` leaves its whole check to the update.
 */
export function identitiesUnknown(view: AccessView, rule: string): boolean {
  const ids = view.resources.find((r) => r.type === "lakemesh:access:Identities");
  if (!ids || !view.unresolved.some((u) => u.startsWith(`${ids.name} `))) return false;
  checkedAtUpdate(rule, ids.urn, "the declared identities (unknown)");
  return true;
}

/**
 * Whether a targeted update (`pulumi up --target`) leaves `r` out: a resource not yet created and not targeted is a
 * skipped create, which the engine still hands to stack policies, with no properties at all (seen with the real
 * engine: the untargeted Identities component, jobs, pipelines and grants of a Kafka-only `up`). Nothing of it exists
 * after the update. Every resource lakemesh plans has inputs (a component, its registered outputs), so an empty one
 * is never a planned resource that the update creates.
 */
export function leftOutByTarget(r: Pick<PolicyResource, "props">): boolean {
  const raw = ((r.props as Record<string, unknown>)[proxy.getSpecialProxyTarget] ?? r.props) as Record<string, unknown> | undefined;
  return !raw || Object.keys(raw).length === 0;
}

/**
 * Whether the stack's Identities component is left out of this update by --target (leftOutByTarget). A rule that
 * checks against the identities then cannot check what the update deploys; it must refuse only when the update
 * deploys something it covers (`covered`, from the resources the update keeps), and check nothing otherwise.
 */
export function identitiesLeftOut(resources: readonly PolicyResource[]): boolean {
  const ids = resources.find((r) => r.type === "lakemesh:access:Identities");
  return ids !== undefined && leftOutByTarget(ids);
}

/** The resources this update creates, updates or keeps: those a targeted update leaves out dropped (leftOutByTarget). */
export const inThisUpdate = <R extends Pick<PolicyResource, "props">>(resources: readonly R[]): R[] => resources.filter((r) => !leftOutByTarget(r));

/** A stack rule's resources as the access model reads them (lib/access); see accessView for unknowns. */
export function accessResources(resources: readonly PolicyResource[]): AccessResource[] {
  return accessView(resources).resources;
}

/**
 * A rule that leaves to the update, as a whole, a check that reads an input unknown at preview and has no finer
 * handling (listed by lm-checked-at-update under the rule's name) instead of failing the preview with "can't run
 * during preview". Rules that read unknowns with `known` keep their finer list; this only catches what they miss.
 */
export function deferringUnknowns<P extends ResourceValidationPolicy | StackValidationPolicy>(p: P): P {
  // Synchronous, as every lakemesh rule is (the offline harness calls them synchronously).
  const guard = <A extends { urn?: string }>(run: (args: A, report: any) => void) =>
    (args: A, report: any): void => {
      try {
        run(args, report);
      } catch (e) {
        if (!isUnknownError(e)) throw e;
        checkedAtUpdate(p.name, args.urn, "the whole check (it reads an input unknown at preview)");
      }
    };
  if ("validateResource" in p && typeof p.validateResource === "function") return { ...p, validateResource: guard(p.validateResource as any) } as P;
  if ("validateStack" in p && typeof p.validateStack === "function") return { ...p, validateStack: guard(p.validateStack as any) } as P;
  return p;
}
