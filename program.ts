import * as path from "path";
import type * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { DataDomain, Platform, type PlatformRefs } from "./components";
import { Identities } from "./components/access";
import { compileIdentities } from "./lib/access";
import { createProviders } from "./components/providers";
import {
  CONFIG_NAMESPACE,
  checkDomainPrincipals,
  compileContract,
  compileDomain,
  compilePlatform,
  compileRegistry,
  meshOf,
  platformNames,
  platformStackName,
  PLATFORM_OUTPUT_KEYS,
  readSettings,
  SECRET_KEYS,
  type Mesh,
  type PlatformOutputs,
  type Settings,
} from "./lib/compile";
import { formatError, readManifestFiles, validateMesh } from "./lib/manifest";
import { pipelineCodeFiles } from "./lib/project";

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

/** Every manifest, validated together: a domain stack still checks the whole mesh, then registers only its own. */
function loadMesh(root: string): Mesh {
  const { files, errors: unreadable } = readManifestFiles([path.join(root, "domains")], root);
  const validation = validateMesh(files);
  const errors = [...unreadable, ...validation.errors];
  if (errors.length > 0) throw new ProgramError(`${errors.length} manifest error(s):\n${errors.map(formatError).join("\n")}`);
  return meshOf(validation.manifests);
}

function createPlatform(settings: Settings, mesh: Mesh, cfg: pulumi.Config, providers: pulumi.ProviderResource[], accountProvider: databricks.Provider): Platform {
  const names = platformNames(settings.catalog);
  return new Platform(
    "platform",
    {
      spec: compilePlatform(settings, mesh),
      settings,
      registry: compileRegistry(mesh.domains.map((d) => compileContract(settings, names, d))),
      datahubSecrets: {
        mysqlPassword: cfg.requireSecret(SECRET_KEYS.datahubMysqlPassword),
        gmsToken: cfg.requireSecret(SECRET_KEYS.datahubGmsToken),
        databricksToken: cfg.requireSecret(SECRET_KEYS.datahubDatabricksToken),
      },
      subjectSalt: cfg.requireSecret(SECRET_KEYS.subjectHashSalt),
      accountProvider,
    },
    { providers },
  );
}

/** Platform refs of a domain stack: the platform stack's outputs. A missing output fails with its name. */
function platformFromStack(settings: Settings): PlatformRefs {
  const name = settings.platformStack ?? `${pulumi.getOrganization()}/${pulumi.getProject()}/${platformStackName(settings.env)}`;
  const ref = new pulumi.StackReference(name);
  const out = <K extends keyof PlatformOutputs>(key: K): pulumi.Output<PlatformOutputs[K]> =>
    ref.getOutput(key).apply((v) => {
      if (v === undefined || v === null) {
        throw new ProgramError(`platform stack ${name} has no output "${key}"; deploy the platform stack first (outputs read: ${PLATFORM_OUTPUT_KEYS.join(", ")})`);
      }
      return v as PlatformOutputs[K];
    });
  return {
    catalog: out("catalog"),
    tenantFilter: out("tenantFilter"),
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
  const mesh = loadMesh(root);
  try {
    checkDomainPrincipals(settings, [...mesh.byName.keys()], `Pulumi.${stack}.yaml`);
  } catch (e) {
    throw new ProgramError((e as Error).message);
  }
  const only = settings.mode === "domain" ? mesh.byName.get(settings.domain!) : undefined;
  if (settings.mode === "domain" && !only) {
    throw new ProgramError(`Pulumi.${stack}.yaml: lakemesh:domain: "${settings.domain}" is not a manifest in domains/; one of: ${[...mesh.byName.keys()].join(", ")}`);
  }
  const providers = createProviders(settings, cfg, settings.mode === "platform" ? ["aws", "databricks", "databricksAccount", "kubernetes"] : settings.mode === "domain" ? ["databricks", "kafka", "kubernetes"] : undefined);

  // Who runs what, and what this stack relies on without creating it: data in the plan for the access model.
  new Identities("identities", { spec: compileIdentities(settings, mesh) });

  let stackOutputs: Record<string, unknown> = {};
  let refs: PlatformRefs | undefined;
  if (settings.mode !== "domain") {
    const platform = createPlatform(settings, mesh, cfg, [providers.aws!, providers.databricks!, providers.kubernetes!], providers.databricksAccount!);
    refs = platform.refs;
    stackOutputs = { ...platform.outputs, gdprJobIds: platform.gdprJobIds };
  } else {
    refs = platformFromStack(settings);
  }
  if (settings.mode === "platform") return stackOutputs;

  const code = pipelineCodeFiles(root);
  const registered = (only ? [only] : mesh.domains).map((d) => ({
    name: d.metadata.name,
    domain: new DataDomain(d.metadata.name, { manifest: d, spec: compileDomain(settings, mesh, d, code), settings, platform: refs! }, {
      providers: [providers.databricks!, providers.kafka!, providers.kubernetes!],
    }),
  }));
  return {
    ...stackOutputs,
    domains: Object.fromEntries(registered.map(({ name, domain }) => [name, { schema: domain.schemaName, topics: domain.topicNames, pipelineId: domain.pipelineId }])),
  };
}
