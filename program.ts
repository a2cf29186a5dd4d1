import type * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { DataDomain, Platform, Serving, type PlatformRefs } from "./components";
import { datahubUsesPlatformKafka } from "./components/Platform/datahub";
import { Identities } from "./components/access";
import { compileIdentities } from "./lib/access";
import { compileServing, compileServingKubernetes } from "./lib/serving";
import { createProviders, type ProviderName } from "./components/providers";
import {
  CONFIG_NAMESPACE,
  checkDomainPrincipals,
  checkExistingScramSecrets,
  meshScramUsers,
  scramProvisioning,
  compileContract,
  compileDomain,
  compilePlatform,
  compileRegistry,
  maskSpecs,
  meshPlatformNames,
  platformOutputMismatch,
  platformStackName,
  PLATFORM_OUTPUT_KEYS,
  readSettings,
  SECRET_KEYS,
  type Mesh,
  type PlatformOutputs,
  type Settings,
} from "./lib/compile";
import { loadProjectMeshWithFiles, MeshLoadError, pipelineCodeFiles } from "./lib/project";

/** Shared pipeline module files, project-relative, uploaded with every domain. */

export class ProgramError extends Error {}

/** A config value: structured values are JSON, plain strings are not. */
function configValue(cfg: pulumi.Config, key: string): unknown {
  const raw = cfg.get(key);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * Every manifest, validated together: a domain stack still checks the whole mesh, then registers only its own. The
 * stack's limits (schedules, continuous pipelines) and principal names apply to the domains it deploys. With it, each
 * domain's file (for policy violations that name file:line:col).
 */
function loadMesh(root: string, settings: Settings): { mesh: Mesh; files: ReadonlyMap<string, string> } {
  try {
    return loadProjectMeshWithFiles(root, settings);
  } catch (e) {
    throw e instanceof MeshLoadError ? new ProgramError(e.message) : e;
  }
}

function createPlatform(root: string, settings: Settings, mesh: Mesh, cfg: pulumi.Config, providers: pulumi.ProviderResource[], accountProvider: databricks.Provider): Platform {
  const names = meshPlatformNames(settings.catalog, mesh);
  return new Platform(
    "platform",
    {
      spec: compilePlatform(settings, mesh),
      settings,
      registry: compileRegistry(mesh.domains.map((d) => compileContract(settings, names, d))),
      datahubSecrets: {
        mysqlPassword: settings.datahub.install ? cfg.requireSecret(SECRET_KEYS.datahubMysqlPassword) : undefined,
        gmsToken: cfg.requireSecret(SECRET_KEYS.datahubGmsToken),
        databricksToken: cfg.requireSecret(SECRET_KEYS.datahubDatabricksToken),
        ...(datahubUsesPlatformKafka(settings) ? { kafkaPassword: cfg.requireSecret(SECRET_KEYS.datahubKafkaPassword) } : {}),
      },
      subjectSalt: cfg.requireSecret(SECRET_KEYS.subjectHashSalt),
      root,
      accountProvider,
    },
    { providers },
  );
}

/** The serving API, its tenant principals and the embedded dashboards, when the stack sets lakemesh:serving. */
function createServing(settings: Settings, mesh: Mesh, cfg: pulumi.Config, platform: Platform, providers: pulumi.ProviderResource[], accountProvider: databricks.Provider): Record<string, unknown> {
  const spec = compileServing(settings, mesh);
  if (!spec) return {};
  const serving = new Serving(
    "serving",
    {
      spec,
      kubernetes: compileServingKubernetes(spec.settings, settings.env),
      settings,
      warehouseId: platform.outputs.warehouseId,
      secrets: { cursorKey: cfg.requireSecret(SECRET_KEYS.servingCursorKey), federationKey: cfg.requireSecret(SECRET_KEYS.servingFederationKey), subjectSalt: cfg.requireSecret(SECRET_KEYS.subjectHashSalt) },
      accountProvider,
      dependsOn: [platform],
    },
    { providers },
  );
  return { servingTenantPrincipals: serving.applicationIds, servingDashboards: serving.dashboardIds };
}

/**
 * Platform refs of a domain stack: the outputs of its environment's platform stack, always in its own organisation
 * and project (no setting can name another). A missing output fails with its name, and an output other than what
 * the stack's own settings imply (another catalog's row filter or masks) fails the deployment.
 */
function platformFromStack(settings: Settings, mesh: Mesh): PlatformRefs {
  const maskKeys = maskSpecs(mesh).map((m) => m.key);
  const name = `${pulumi.getOrganization()}/${pulumi.getProject()}/${platformStackName(settings.env)}`;
  const ref = new pulumi.StackReference(name);
  const out = <K extends keyof PlatformOutputs>(key: K): pulumi.Output<PlatformOutputs[K]> =>
    ref.getOutput(key).apply((v) => {
      if (v === undefined || v === null) {
        throw new ProgramError(`platform stack ${name} has no output "${key}"; deploy the platform stack first (outputs read: ${PLATFORM_OUTPUT_KEYS.join(", ")})`);
      }
      const wrong = platformOutputMismatch(settings, key, v, maskKeys);
      if (wrong) throw new ProgramError(`platform stack ${name}: ${wrong}`);
      return v as PlatformOutputs[K];
    });
  return {
    catalog: out("catalog"),
    tenantFilter: out("tenantFilter"),
    tenantFilterHeld: out("tenantFilterHeld"),
    masks: out("masks"),
    erasureSuppression: out("erasureSuppression"),
    warehouseId: out("warehouseId"),
    datahubGmsUrl: out("gmsUrl"),
  };
}

/**
 * The lakemesh program. The stack's `lakemesh:mode` decides what it registers: `single` (the platform and every
 * domain), `platform`, or `domain` (one domain, reading the platform through a StackReference).
 * `root` is the project folder (where Pulumi.yaml and domains/ are).
 */
export async function program(root = process.cwd()): Promise<Record<string, unknown>> {
  const stack = pulumi.getStack();
  const cfg = new pulumi.Config(CONFIG_NAMESPACE);
  const settings = readSettings((k) => configValue(cfg, k), `Pulumi.${stack}.yaml`);
  const { mesh, files } = loadMesh(root, settings);
  try {
    checkDomainPrincipals(settings, [...mesh.byName.keys()], `Pulumi.${stack}.yaml`);
    checkExistingScramSecrets(settings, meshScramUsers(settings, mesh.domains), `Pulumi.${stack}.yaml`);
  } catch (e) {
    throw new ProgramError((e as Error).message);
  }
  const only = settings.mode === "domain" ? mesh.byName.get(settings.domain!) : undefined;
  if (settings.mode === "domain" && !only) {
    throw new ProgramError(`Pulumi.${stack}.yaml: lakemesh:domain: "${settings.domain}" is not a manifest in domains/; one of: ${[...mesh.byName.keys()].join(", ")}`);
  }
  // A domain stack on MSK creates its SCRAM secrets in AWS Secrets Manager, unless they exist (kafka.existingScramSecrets).
  const mskUsers = settings.kafka.auth === "sasl-scram-sha512" && scramProvisioning(settings) === "msk";
  // No AWS provider where storage is managed elsewhere (and no MSK secrets): the stack then creates no AWS resource.
  const aws: ProviderName[] = settings.aws.existingStorage && !mskUsers ? [] : ["aws"];
  // The platform stack creates DataHub's Kafka user and ACLs when DataHub uses the platform cluster.
  const platformKafka: ProviderName[] = datahubUsesPlatformKafka(settings) ? ["kafka"] : [];
  const providers = createProviders(
    settings,
    cfg,
    settings.mode === "platform"
      ? [...aws, "databricks", "databricksAccount", "kubernetes", ...platformKafka]
      : settings.mode === "domain"
        ? ["databricks", "kafka", "kubernetes", ...(mskUsers ? (["aws"] as const) : [])]
        : [...aws, "databricks", "databricksAccount", "kafka", "kubernetes"],
  );

  // Who runs what, and what this stack relies on without creating it: data in the plan for the access model.
  new Identities("identities", { spec: compileIdentities(settings, mesh) });

  let stackOutputs: Record<string, unknown> = {};
  let refs: PlatformRefs | undefined;
  if (settings.mode !== "domain") {
    const platform = createPlatform(
      root,
      settings,
      mesh,
      cfg,
      [providers.aws, providers.databricks!, providers.kubernetes!, providers.kafka].filter((p): p is NonNullable<typeof p> => p !== undefined),
      providers.databricksAccount!,
    );
    refs = platform.refs;
    stackOutputs = {
      ...platform.outputs,
      gdprJobIds: platform.gdprJobIds,
      storageCredentialExternalId: platform.storageCredentialExternalId,
      ...createServing(settings, mesh, cfg, platform, [providers.databricks!, providers.kubernetes!], providers.databricksAccount!),
    };
  } else {
    refs = platformFromStack(settings, mesh);
  }
  if (settings.mode === "platform") return stackOutputs;

  const code = pipelineCodeFiles(root);
  const registered = (only ? [only] : mesh.domains).map((d) => {
    const spec = compileDomain(settings, mesh, d, code);
    const kafkaPasswords = Object.fromEntries((spec.kafkaCredentials?.users ?? []).flatMap((u) => (u.passwordKey === null ? [] : [[u.passwordKey, cfg.requireSecret(u.passwordKey)]])));
    return {
      name: d.metadata.name,
      domain: new DataDomain(d.metadata.name, { manifest: d, manifestFile: files.get(d.metadata.name), spec, settings, platform: refs!, root, kafkaPasswords }, {
        providers: [providers.databricks!, providers.kafka!, providers.kubernetes!, ...(mskUsers ? [providers.aws!] : [])],
      }),
    };
  });
  return {
    ...stackOutputs,
    domains: Object.fromEntries(registered.map(({ name, domain }) => [name, { schema: domain.schemaName, topics: domain.topicNames, pipelineId: domain.pipelineId }])),
  };
}
