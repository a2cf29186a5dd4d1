import { pipelineMode, type DomainManifest } from "../manifest";
import { SUBJECT_SALT_KEY } from "./gdpr-jobs";
import { domainPrincipal } from "./grants";
import { compileKafkaCredentials, type KafkaCredentialsSpec } from "./kafka-credentials";
import { codeDir, contractPath, domainGroup, domainJobName, governanceSqlPath, pipelineName, resourceName, schemaName } from "./naming";
import type { Settings } from "./settings";

/**
 * Pipeline configuration keys the shared pipeline module reads. Secrets are named, never given: the configuration
 * holds a scope and key, and the pipeline reads the value with dbutils.secrets.get. The `{{secrets/scope/key}}`
 * substitution is documented for compute Spark properties named spark.* only
 * (https://docs.databricks.com/aws/en/security/secrets/secrets-spark-conf-env-var), and serverless pipelines have
 * no cluster configuration, so the pipeline would read the reference text itself: a wrong password, or worse, a
 * wrong subject salt that silently matches no erased subject.
 */
export const CONFIG_KEYS = {
  contract: "lakemesh.contract",
  contractSha256: "lakemesh.contract_sha256",
  env: "lakemesh.env",
  subjectSaltScope: "lakemesh.subject_salt.secret_scope",
  subjectSaltKey: "lakemesh.subject_salt.secret_key",
  kafkaSecretScope: "lakemesh.kafka.secret_scope",
  kafkaUsernameKey: "lakemesh.kafka.sasl_username_key",
  kafkaPasswordKey: "lakemesh.kafka.sasl_password_key",
} as const;

/**
 * Spark settings of every pipeline. `spark.sql.variable.substitute` (Spark SQLConf, default true) makes Spark
 * replace `${key}` in SQL text and expressions with configuration values, which in a pipeline include the secret
 * scope and key names it reads its credentials by (https://docs.databricks.com/aws/en/ldp/parameters shows `${key}`
 * read inside a string literal). Manifests may not contain `${` (lib/manifest/predicate.ts, rules/free-text.ts); this turns the
 * mechanism off as a second line. Pipeline `configuration` entries are added to the pipeline's Spark configuration
 * (https://docs.databricks.com/aws/en/ldp/properties). No Databricks page names this key for serverless pipelines:
 * stricter reading, it is set; the local runner sets it too (scripts/local/spark_local.py).
 */
export const PIPELINE_SPARK_CONF = { "spark.sql.variable.substitute": "false" } as const;

/** The entry file of the shared pipeline module; its siblings are importable helpers. */
export const PIPELINE_ENTRY = "lakemesh_pipeline.py";

export interface CodeFileSpec {
  readonly resourceName: string;
  /** Path relative to the project root, e.g. notebooks/pipelines/lakemesh_pipeline.py. */
  readonly source: string;
  /** Workspace path. */
  readonly path: string;
}

/** Who may do what with a domain's pipeline (a pipeline ACL; see PIPELINE_ACL_DOCS). */
export interface PipelinePermissionSpec {
  readonly principal: string;
  readonly level: "CAN_VIEW" | "CAN_RUN" | "CAN_MANAGE";
}

/**
 * "Pipeline updates can be run by any user or service principal with CAN RUN, CAN MANAGE, or IS OWNER permissions";
 * nothing documents that a pipeline's run-as setting grants any of them, so the job's principal gets CAN_RUN.
 */
export const PIPELINE_ACL_DOCS = "https://docs.databricks.com/aws/en/ldp/privileges";

export interface PipelineSpec {
  readonly resourceName: string;
  readonly name: string;
  readonly schema: string;
  readonly continuous: boolean;
  readonly development: boolean;
  readonly entryPath: string;
  readonly rootPath: string;
  readonly contractPath: string;
  readonly governanceSqlPath: string;
  readonly notificationEmails: readonly string[];
  /** Application id of the domain's service principal: the identity of every update, in every environment. */
  readonly runAsServicePrincipal: string;
  /** The pipeline's ACL, sorted by principal. */
  readonly permissions: readonly PipelinePermissionSpec[];
  readonly tags: Readonly<Record<string, string>>;
  readonly codeFiles: readonly CodeFileSpec[];
  /** Configuration entries naming the secrets the pipeline reads (subject salt, Kafka SASL credentials): scopes and keys, never values. */
  readonly secretNames: Readonly<Record<string, string>>;
  readonly env: string;
}

export interface JobSpec {
  readonly resourceName: string;
  readonly name: string;
  /** Whether the job starts a pipeline update first (triggered pipelines); continuous pipelines are always running. */
  readonly runsPipeline: boolean;
  /** Quartz cron, or null for a job started only on demand. */
  readonly schedule: string | null;
  readonly timezone: string;
  readonly notificationEmails: readonly string[];
  /** The domain's service principal: it starts the pipeline update and runs the governance SQL. */
  readonly runAsServicePrincipal: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Continuous pipelines need no update task; their governance SQL still runs hourly. */
const CONTINUOUS_GOVERNANCE_SCHEDULE = "0 0 * * * ?";

/**
 * The domain's Lakeflow pipeline and the job that runs it. `codeSources` are the shared pipeline module's files
 * (project-relative), uploaded per domain so a module change rolls out domain by domain.
 */
export function compilePipeline(s: Settings, domain: DomainManifest, codeSources: readonly string[], kafka: KafkaCredentialsSpec | null = compileKafkaCredentials(s, domain)): { pipeline: PipelineSpec; job: JobSpec } {
  const d = domain.metadata.name;
  const dir = codeDir(s, d);
  const emails = [domain.metadata.owner.contact];
  const runAs = domainPrincipal(s, d);
  const tags = { lakemesh_domain: d, lakemesh_env: s.env, owner_team: domain.metadata.owner.team };
  const codeFiles = [...codeSources].sort().map((source) => {
    const base = source.split("/").pop()!;
    return { resourceName: resourceName(d, "code", base), source, path: `${dir}/${base}` };
  });
  if (!codeFiles.some((f) => f.path.endsWith(`/${PIPELINE_ENTRY}`))) throw new Error(`the pipeline module has no ${PIPELINE_ENTRY} among ${codeSources.join(", ")}`);
  const continuous = pipelineMode(domain) === "continuous";
  return {
    pipeline: {
      resourceName: resourceName(d, "pipeline"),
      name: pipelineName(s, d),
      schema: schemaName(d),
      continuous,
      development: s.databricks.pipelineDevelopment,
      entryPath: `${dir}/${PIPELINE_ENTRY}`,
      rootPath: dir,
      contractPath: contractPath(s, d),
      governanceSqlPath: governanceSqlPath(s, d),
      notificationEmails: emails,
      runAsServicePrincipal: runAs,
      permissions: [
        { principal: s.personas.platform_admin, level: "CAN_MANAGE" as const },
        { principal: runAs, level: "CAN_RUN" as const },
        // The GDPR erasure starts (or stops and starts) an update of the pipeline to verify an erasure
        // (lakemesh_gdpr.DatabricksUpdates): starting and stopping updates take CAN_RUN (PIPELINE_ACL_DOCS).
        { principal: s.databricks.gdprServicePrincipal, level: "CAN_RUN" as const },
        { principal: domainGroup(s, d), level: "CAN_VIEW" as const },
      ].sort((a, b) => (a.principal < b.principal ? -1 : 1)),
      tags,
      codeFiles,
      env: s.env,
      secretNames: {
        [CONFIG_KEYS.subjectSaltScope]: s.databricks.gdprSecretScope,
        [CONFIG_KEYS.subjectSaltKey]: SUBJECT_SALT_KEY,
        ...(kafka
          ? { [CONFIG_KEYS.kafkaSecretScope]: kafka.scope.name, [CONFIG_KEYS.kafkaUsernameKey]: kafka.scope.usernameKey, [CONFIG_KEYS.kafkaPasswordKey]: kafka.scope.passwordKey }
          : {}),
      },
    },
    job: {
      resourceName: resourceName(d, "job"),
      name: domainJobName(s, d),
      runsPipeline: !continuous,
      schedule: continuous ? CONTINUOUS_GOVERNANCE_SCHEDULE : domain.spec.pipeline?.schedule ?? null,
      timezone: "UTC",
      notificationEmails: emails,
      runAsServicePrincipal: runAs,
      tags,
    },
  };
}
