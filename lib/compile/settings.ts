import Ajv2020, { ErrorObject } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { schemaEnum, type Persona } from "../manifest";
import settingsSchema from "./settings.schema.json";
import type { StackSettings } from "./settings.gen";

export type { StackSettings } from "./settings.gen";

/** Every persona of the stack config, including those that never read tables directly. */
export type PersonaName = keyof StackSettings["personas"];

/** Settings after the schema's defaults are applied. */
export type Settings = StackSettings & {
  protect: boolean;
  abac: boolean;
  mode: NonNullable<StackSettings["mode"]>;
  aws: StackSettings["aws"] & Required<Pick<StackSettings["aws"], "landingRetentionDays">>;
  databricks: StackSettings["databricks"] &
    Required<Pick<StackSettings["databricks"], "pipelineDevelopment" | "warehouseSize" | "vacuumRetentionHours" | "gdprSecretScope" | "gdprRetentionSchedule">>;
  kafka: StackSettings["kafka"] & Required<Pick<StackSettings["kafka"], "principalPrefix" | "secretScope">>;
  datahub: StackSettings["datahub"] &
    Required<Pick<StackSettings["datahub"], "ingestionSchedule" | "ingestionImage" | "secretName" | "kafka" | "prerequisitesChartVersion" | "chartVersion">>;
};

/** Pulumi secret config keys (namespace lakemesh). They never appear in a stack file in clear text. */
export const SECRET_KEYS = {
  /** SASL/SCRAM password of the user Pulumi manages topics and ACLs as (kafka.auth: sasl-scram-sha512). */
  kafkaSaslPassword: "kafkaSaslPassword",
  /** DataHub's MySQL root and application password. */
  datahubMysqlPassword: "datahubMysqlPassword",
  /** Token the ingestion CronJobs send metadata to DataHub GMS with. */
  datahubGmsToken: "datahubGmsToken",
  /** Databricks token (of a read-only service principal) the ingestion CronJobs read Unity Catalog with. */
  datahubDatabricksToken: "datahubDatabricksToken",
  /** Salt of subject hashes in the suppression list and the audit log. */
  subjectHashSalt: "subjectHashSalt",
  /** Kubeconfig of the cluster DataHub runs on (optional: without it the ambient KUBECONFIG is used). */
  kubeconfig: "kubeconfig",
} as const;

export const CONFIG_NAMESPACE = "lakemesh";

/** A stack config problem, as one line: `<where>: lakemesh:<key>: <what is wrong>; <what is allowed>`. */
export class SettingsError extends Error {}

type JsonSchema = Record<string, unknown>;
const validate = (() => {
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true });
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

function describe(where: string, e: ErrorObject): string {
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
  const shown = JSON.stringify(e.data);
  return `${where}: ${CONFIG_NAMESPACE}:${segs.join(".")}: ${shown && shown.length > 60 ? shown.slice(0, 60) + "..." : shown} is not allowed; ${allowed}`;
}

/**
 * Reads and validates the lakemesh:* stack config. `get` returns a key's value (parsed JSON for structured values),
 * or undefined when the key is not set. `where` names the config file in errors.
 */
export function readSettings(get: (key: string) => unknown, where: string): Settings {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(settingsSchema.properties)) {
    const v = get(key);
    if (v !== undefined) raw[key] = structuredClone(v);
  }
  if (!validate(raw)) {
    const first = [...(validate.errors ?? [])].sort((a, b) => (a.instancePath < b.instancePath ? -1 : 1))[0];
    throw new SettingsError(describe(where, first));
  }
  const s = raw as Settings;
  const fail = (key: string, msg: string) => {
    throw new SettingsError(`${where}: ${CONFIG_NAMESPACE}:${key}: ${msg}`);
  };
  if (s.kafka.minInsyncReplicas > s.kafka.replicationFactor) fail("kafka.minInsyncReplicas", `${s.kafka.minInsyncReplicas} is above the replication factor ${s.kafka.replicationFactor}; at most the replication factor`);
  if (s.kafka.replicationFactor > 1 && s.kafka.minInsyncReplicas >= s.kafka.replicationFactor) fail("kafka.minInsyncReplicas", `${s.kafka.minInsyncReplicas} leaves no replica to lose; below the replication factor ${s.kafka.replicationFactor}`);
  if (s.kafka.auth === "sasl-scram-sha512" && !s.kafka.saslUsername) fail("kafka.saslUsername", "missing config key; required when kafka.auth is sasl-scram-sha512");
  if (s.mode === "domain" && !s.domain) fail("domain", "missing config key; required when mode is domain");
  if (s.mode !== "domain" && s.domain) fail("domain", `set while mode is ${s.mode}; only with mode: domain`);
  if (s.mode !== "domain" && s.platformStack) fail("platformStack", `set while mode is ${s.mode}; only with mode: domain`);
  if (s.databricks.tagAssignerGroups && s.databricks.accountObjectsOwner !== s.env) {
    fail("databricks.tagAssignerGroups", `set while environment ${s.env} does not own the account-level objects (databricks.accountObjectsOwner is ${s.databricks.accountObjectsOwner}); only on the owning environment's stacks`);
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
