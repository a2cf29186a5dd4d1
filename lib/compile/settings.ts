import Ajv2020, { ErrorObject } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { schemaEnum, type Persona } from "../manifest";
import settingsSchema from "./settings.schema.json";
import { DATAHUB_APP_VERSIONS, DATAHUB_INGESTION_IMAGE } from "./datahub";
import type { StackSettings } from "./settings.gen";

export type { StackSettings } from "./settings.gen";

/** Every persona of the stack config, including those that never read tables directly. */
export type PersonaName = keyof StackSettings["personas"];

/** Settings after the schema's defaults are applied. */
export type Settings = StackSettings & {
  protect: boolean;
  mode: NonNullable<StackSettings["mode"]>;
  aws: StackSettings["aws"] & Required<Pick<StackSettings["aws"], "landingRetentionDays">>;
  databricks: StackSettings["databricks"] &
    Required<
      Pick<
        StackSettings["databricks"],
        "workspaceRoot" | "pipelineDevelopment" | "warehouseSize" | "vacuumRetentionHours" | "gdprSecretScope" | "gdprRetentionSchedule" | "gdprExportRetentionDays" | "minScheduleIntervalMinutes" | "continuousPipelines"
      >
    >;
  kafka: StackSettings["kafka"] & Required<Pick<StackSettings["kafka"], "principalPrefix" | "secretScope" | "scramCredentials">>;
  datahub: StackSettings["datahub"] &
    Required<Pick<StackSettings["datahub"], "install" | "ingestionSchedule" | "ingestionImage" | "secretName" | "kafka" | "prerequisitesChartVersion" | "chartVersion">>;
  serving?: ServingSettings;
};

type Serving = NonNullable<StackSettings["serving"]>;
/** The serving block after defaults. */
export type ServingSettings = Serving &
  Required<Pick<Serving, "replicas" | "maxReplicas" | "namespace" | "ingressNamespace" | "rateLimitPerMinute">> & {
    identity: Serving["identity"] & Required<Pick<Serving["identity"], "algorithms" | "tenantClaim" | "subjectClaim" | "rolesClaim" | "clientAdminRoles" | "endUserRoles">>;
    embedding: Serving["embedding"] & Required<Pick<Serving["embedding"], "tokenMinting">>;
  };

/** Pulumi secret config keys (namespace lakemesh). They never appear in a stack file in clear text. */
export const SECRET_KEYS = {
  /** SASL/SCRAM password of the user Pulumi manages topics and ACLs as (kafka.auth: sasl-scram-sha512*). */
  kafkaSaslPassword: "kafkaSaslPassword",
  /** DataHub's MySQL root and application password (only when lakemesh installs DataHub, datahub.install). */
  datahubMysqlPassword: "datahubMysqlPassword",
  /** Token the ingestion CronJobs send metadata to DataHub GMS with. */
  datahubGmsToken: "datahubGmsToken",
  /** Databricks token (of a read-only service principal) the ingestion CronJobs read Unity Catalog with. */
  datahubDatabricksToken: "datahubDatabricksToken",
  /** Salt of subject hashes in the suppression list and the audit log. */
  subjectHashSalt: "subjectHashSalt",
  /** Key (at least 32 bytes) the serving API seals page cursors with (lakemesh:serving). */
  servingCursorKey: "servingCursorKey",
  /** PEM private key (EC P-256) the serving API signs the tokens it exchanges for its tenant principals with. */
  servingFederationKey: "servingFederationKey",
  /** SCRAM password of DataHub's own Kafka user (datahub.kafka: platform with kafka.auth: sasl-scram-sha512). */
  datahubKafkaPassword: "datahubKafkaPassword",
  /** Kubeconfig of the cluster DataHub runs on (optional: without it the ambient KUBECONFIG is used). */
  kubeconfig: "kubeconfig",
} as const;

/**
 * Pulumi secret config keys per domain (`<key>-<domain>`, e.g. kafkaPipelinePassword-core-business), read by the stack
 * that holds the domain when kafka.auth is sasl-scram-sha512.
 */
export const DOMAIN_SECRET_KEYS = {
  /** SCRAM password of the domain pipeline's Kafka user; also stored in its Databricks secret scope for the pipeline. */
  kafkaPipelinePassword: "kafkaPipelinePassword",
  /** SCRAM password of the domain producers' Kafka user, for the services that write the domain's topics. */
  kafkaProducerPassword: "kafkaProducerPassword",
} as const;

export const domainSecretKey = (key: keyof typeof DOMAIN_SECRET_KEYS, domain: string) => `${DOMAIN_SECRET_KEYS[key]}-${domain}`;

export const CONFIG_NAMESPACE = "lakemesh";

/**
 * Provider config keys that hold credentials (Pulumi's aws, databricks and kafka providers). Like the lakemesh
 * secrets, they may only appear in a stack file encrypted (`pulumi config set --secret`).
 */
const PROVIDER_SECRET_KEYS = new Set([
  "aws:accessKey",
  "aws:secretKey",
  "aws:token",
  "databricks:token",
  "databricks:password",
  "databricks:clientSecret",
  "databricks:azureClientSecret",
  "databricks:googleCredentials",
  "kafka:saslPassword",
  "kafka:clientKey",
  "kafka:clientKeyPassphrase",
]);

/** Whether a stack config key (`namespace:name`) must be a Pulumi secret: a lakemesh secret, a provider credential, or a name that says so. */
export function mustBeSecretConfig(key: string): boolean {
  const i = key.indexOf(":");
  const [ns, name] = i < 0 ? ["", key] : [key.slice(0, i), key.slice(i + 1)];
  if (ns === CONFIG_NAMESPACE && (Object.values(SECRET_KEYS) as string[]).includes(name)) return true;
  // Per-domain secrets (`kafkaPipelinePassword-<domain>`): the domain suffix hides the word the pattern below looks for.
  if (ns === CONFIG_NAMESPACE && (Object.values(DOMAIN_SECRET_KEYS) as string[]).some((k) => name.startsWith(`${k}-`))) return true;
  return PROVIDER_SECRET_KEYS.has(key) || /(password|passwd|passphrase|secret|token|credentials?|private_?key|api_?key)$/i.test(name);
}

const APPLICATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A stack config problem, as one line: `<where>: lakemesh:<key>: <what is wrong>; <what is allowed>`. */
export class SettingsError extends Error {}

type JsonSchema = Record<string, unknown>;
const validate = (() => {
  // verbose: errors carry the offending value (e.data), which every message shows.
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true, verbose: true });
  addFormats(ajv, ["email"]);
  ajv.addKeyword({ keyword: "x-allowed", schemaType: "string" });
  return ajv.compile<StackSettings>(settingsSchema);
})();

function schemaAt(pointer: string): JsonSchema {
  let s: JsonSchema = settingsSchema as unknown as JsonSchema;
  for (const seg of pointer.split("/").filter(Boolean)) {
    const props = s.properties as Record<string, JsonSchema> | undefined;
    s = props?.[seg] ?? (s.items as JsonSchema | undefined) ?? (s.additionalProperties as JsonSchema | undefined) ?? {};
    if (typeof s.$ref === "string") s = (settingsSchema.$defs as Record<string, JsonSchema>)[s.$ref.replace("#/$defs/", "")];
  }
  return s;
}

/** The value at a JSON pointer of the settings (ajv reports `data` only in verbose mode). */
function valueAt(raw: unknown, pointer: string): unknown {
  return pointer
    .split("/")
    .filter(Boolean)
    .reduce<unknown>((v, seg) => (v && typeof v === "object" ? (v as Record<string, unknown>)[seg.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined), raw);
}

function describe(where: string, e: ErrorObject, raw: unknown): string {
  const segs = e.instancePath.split("/").filter(Boolean);
  if (e.keyword === "required") {
    const field = String((e.params as { missingProperty: string }).missingProperty);
    const key = [...segs, field];
    const allowed = (schemaAt("/" + key.join("/"))["x-allowed"] as string | undefined) ?? "see lib/compile/settings.schema.json";
    return `${where}: ${CONFIG_NAMESPACE}:${key.join(".")}: missing config key; ${allowed}`;
  }
  if (e.keyword === "additionalProperties") {
    const field = String((e.params as { additionalProperty: string }).additionalProperty);
    return `${where}: ${CONFIG_NAMESPACE}:${[...segs, field].join(".")}: unknown config key; keys allowed here: ${Object.keys((e.parentSchema?.properties ?? {}) as object).join(", ")}`;
  }
  const allowed = (schemaAt(e.instancePath)["x-allowed"] as string | undefined) ?? e.message ?? "see the settings schema";
  const shown = JSON.stringify(valueAt(raw, e.instancePath));
  return `${where}: ${CONFIG_NAMESPACE}:${segs.join(".")}: ${shown && shown.length > 60 ? shown.slice(0, 60) + "..." : shown} is not allowed; ${allowed}`;
}

/**
 * Keys that were settings once and are refused now, with why. `platformStack` let a domain stack file read its
 * platform (catalog, row filter, masks) from any stack, another organisation's included, and the offline plan mocked
 * whatever it named: a domain stack now always reads `<its org>/<its project>/<env>-platform` (issue 15, item 8).
 */
const REMOVED_KEYS: Readonly<Record<string, string>> = {
  platformStack:
    "no longer a setting: a domain stack always reads the platform stack <org>/<project>/<env>-platform of its own Pulumi organisation and project, so a stack file cannot point it at another platform's row filter and masks; remove the key",
};

/**
 * Reads and validates the lakemesh:* stack config. `get` returns a key's value (parsed JSON for structured values),
 * or undefined when the key is not set. `where` names the config file in errors.
 */
export function readSettings(get: (key: string) => unknown, where: string): Settings {
  for (const [key, why] of Object.entries(REMOVED_KEYS)) {
    if (get(key) !== undefined) throw new SettingsError(`${where}: ${CONFIG_NAMESPACE}:${key}: ${why}`);
  }
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(settingsSchema.properties)) {
    const v = get(key);
    if (v !== undefined) raw[key] = structuredClone(v);
  }
  if (!validate(raw)) {
    const first = [...(validate.errors ?? [])].sort((a, b) => (a.instancePath < b.instancePath ? -1 : 1))[0];
    throw new SettingsError(describe(where, first, raw));
  }
  const s = raw as Settings;
  // Only workspace admins can create objects in the workspace root, so a folder there is admins' until lakemesh
  // grants more (https://docs.databricks.com/security/access-control/workspace-acl.html#folder-permissions).
  s.databricks.workspaceRoot ??= `/${s.prefix}/${s.env}`;
  const fail = (key: string, msg: string) => {
    throw new SettingsError(`${where}: ${CONFIG_NAMESPACE}:${key}: ${msg}`);
  };
  if (s.kafka.minInsyncReplicas > s.kafka.replicationFactor) fail("kafka.minInsyncReplicas", `${s.kafka.minInsyncReplicas} is above the replication factor ${s.kafka.replicationFactor}; at most the replication factor`);
  if (s.kafka.replicationFactor > 1 && s.kafka.minInsyncReplicas >= s.kafka.replicationFactor) fail("kafka.minInsyncReplicas", `${s.kafka.minInsyncReplicas} leaves no replica to lose; below the replication factor ${s.kafka.replicationFactor}`);
  if (s.kafka.auth !== "plaintext" && !s.kafka.saslUsername) fail("kafka.saslUsername", `missing config key; required when kafka.auth is ${s.kafka.auth}`);
  // Credentials and events cross the network in clear text only to a broker on this machine.
  const remote = s.kafka.bootstrapServers.filter((b) => !/^(127\.0\.0\.1|localhost):[0-9]+$/.test(b));
  if (s.kafka.auth !== "sasl-scram-sha512" && remote.length > 0) fail("kafka.auth", `${s.kafka.auth} sends credentials or events without TLS, but ${remote[0]} is not a local broker; sasl-scram-sha512 (TLS), or a broker on 127.0.0.1/localhost`);
  if (s.mode === "domain" && !s.domain) fail("domain", "missing config key; required when mode is domain");
  if (s.mode !== "domain" && s.domain) fail("domain", `set while mode is ${s.mode}; only with mode: domain`);
  const existing = s.aws.existingStorage;
  if (existing) {
    // Every identifier names the stack's own account (and the key its region): a typo must not point Unity Catalog
    // at another account's storage.
    const kms = existing.kmsKeyArn.split(":");
    if (kms[4] !== s.aws.accountId) fail("aws.existingStorage.kmsKeyArn", `is in account ${kms[4]}; a key of aws.accountId ${s.aws.accountId}`);
    if (kms[3] !== s.aws.region) fail("aws.existingStorage.kmsKeyArn", `is in region ${kms[3]}; a key of aws.region ${s.aws.region}`);
    const roleAccount = existing.storageRoleArn.split(":")[4];
    if (roleAccount !== s.aws.accountId) fail("aws.existingStorage.storageRoleArn", `is in account ${roleAccount}; a role of aws.accountId ${s.aws.accountId}`);
    if (existing.ucBucket === existing.landingBucket) fail("aws.existingStorage.landingBucket", `is the ucBucket too; two different buckets (landing files expire, catalog files do not)`);
  }
  if (s.kafka.scramCredentials === "msk" && !s.kafka.mskClusterArn) fail("kafka.mskClusterArn", "missing config key; required when kafka.scramCredentials is msk");
  if (s.kafka.scramCredentials === "msk" && s.kafka.mskClusterArn && s.kafka.mskClusterArn.split(":")[4] !== s.aws.accountId) {
    fail("kafka.mskClusterArn", `is in account ${s.kafka.mskClusterArn.split(":")[4]}; the stack's AWS account is ${s.aws.accountId}`);
  }
  const secrets = s.kafka.existingScramSecrets;
  if (secrets) {
    // Existing AmazonMSK_ secrets replace the ones lakemesh would create for MSK: only with msk. The MSK guide
    // (https://docs.aws.amazon.com/msk/latest/developerguide/msk-password.html) requires the AmazonMSK_ prefix (the
    // schema's pattern) and a customer managed key, and names no cross-account or cross-region secret: the stricter
    // reading, each secret in the stack's account and the cluster's region.
    if (s.kafka.auth !== "sasl-scram-sha512" || s.kafka.scramCredentials !== "msk") {
      fail("kafka.existingScramSecrets", `set while kafka.auth is ${s.kafka.auth} and kafka.scramCredentials is ${s.kafka.scramCredentials}; only with auth sasl-scram-sha512 and scramCredentials msk`);
    }
    const cluster = s.kafka.mskClusterArn!.split(":");
    for (const [user, arn] of Object.entries(secrets)) {
      const a = String(arn).split(":");
      if (a[4] !== s.aws.accountId) fail(`kafka.existingScramSecrets.${user}`, `is in account ${a[4]}; a secret of aws.accountId ${s.aws.accountId}`);
      if (a[3] !== cluster[3]) fail(`kafka.existingScramSecrets.${user}`, `is in region ${a[3]}; a secret in the MSK cluster's region ${cluster[3]}`);
    }
  }
  // The ingestion CLI speaks the server's API: pin it to the server the chart installs.
  const server = DATAHUB_APP_VERSIONS[s.datahub.chartVersion];
  if (!server) fail("datahub.chartVersion", `${s.datahub.chartVersion} has no known DataHub server version; one of ${Object.keys(DATAHUB_APP_VERSIONS).join(", ")} (a new chart needs its appVersion in DATAHUB_APP_VERSIONS, lib/compile/datahub.ts)`);
  s.datahub.ingestionImage ??= `${DATAHUB_INGESTION_IMAGE}:${server}`;
  if (s.datahub.ingestionImage.split(":").pop() !== server) {
    fail("datahub.ingestionImage", `${s.datahub.ingestionImage} is not the DataHub server's version ${server} (chart ${s.datahub.chartVersion}); use the tag ${server}`);
  }
  if (s.databricks.tagAssignerGroups && s.databricks.accountObjectsOwner !== s.env) {
    fail("databricks.tagAssignerGroups", `set while environment ${s.env} does not own the account-level objects (databricks.accountObjectsOwner is ${s.databricks.accountObjectsOwner}); only on the owning environment's stacks`);
  }
  if (s.serving) {
    if (s.serving.maxReplicas! < s.serving.replicas!) fail("serving.maxReplicas", `${s.serving.maxReplicas} is below serving.replicas ${s.serving.replicas}; at least the minimum`);
    // The tenant principals join these personas' groups to get their grants; a service principal has no members.
    for (const p of ["api_service", "bi_service"] as const) {
      if (APPLICATION_ID.test(s.personas[p])) fail(`personas.${p}`, `${s.personas[p]} is a service principal; with serving, an account group the tenant principals join`);
    }
  }
  return s;
}

/**
 * Every domain's pipeline and job run as the domain's own service principal, in every environment: a stack whose
 * lakemesh:databricks.domainServicePrincipals lacks a domain of the mesh is refused, naming the key and the domain.
 */
export function checkDomainPrincipals(s: Settings, domains: readonly string[], where: string): void {
  const missing = domains.filter((d) => !s.databricks.domainServicePrincipals[d]);
  if (missing.length > 0) {
    throw new SettingsError(
      `${where}: ${CONFIG_NAMESPACE}:databricks.domainServicePrincipals.${missing[0]}: missing config key${missing.length > 1 ? ` (also missing: ${missing.slice(1).join(", ")})` : ""}; the application id of the service principal domain ${missing[0]}'s pipeline and job run as, required in every environment`,
    );
  }
}

/** Whether this stack owns the account-level objects of its Databricks account: the owning environment's platform (or single) stack. */
export function ownsAccountObjects(s: Settings): boolean {
  return s.databricks.accountObjectsOwner === s.env && s.mode !== "domain";
}

/** Personas allowed to read tables directly (the manifest's `access` values). */
export const READER_PERSONAS: readonly Persona[] = schemaEnum<Persona>("Persona");
