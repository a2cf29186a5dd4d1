import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DataDomain, Platform } from "./components";
import { createProviders } from "./components/providers";
import {
  CONFIG_NAMESPACE,
  compileContract,
  compileDomain,
  compilePlatform,
  compileRegistry,
  meshOf,
  platformNames,
  readSettings,
  SECRET_KEYS,
} from "./lib/compile";
import { formatError, readManifestFiles, validateMesh } from "./lib/manifest";

/** Shared pipeline module files, project-relative, uploaded with every domain. */
export const PIPELINE_CODE_DIR = "notebooks/pipelines";

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

export class ProgramError extends Error {}

/**
 * The lakemesh program: stack config and manifests in, the platform and one DataDomain per manifest out.
 * `root` is the project folder (where Pulumi.yaml and domains/ are).
 */
export async function program(root = process.cwd()): Promise<Record<string, unknown>> {
  const stack = pulumi.getStack();
  const cfg = new pulumi.Config(CONFIG_NAMESPACE);
  const settings = readSettings((k) => configValue(cfg, k), `Pulumi.${stack}.yaml`);

  const { files, errors: unreadable } = readManifestFiles([path.join(root, "domains")], root);
  const validation = validateMesh(files);
  const errors = [...unreadable, ...validation.errors];
  if (errors.length > 0) throw new ProgramError(`${errors.length} manifest error(s):\n${errors.map(formatError).join("\n")}`);
  const mesh = meshOf(validation.manifests);

  const code = fs
    .readdirSync(path.join(root, PIPELINE_CODE_DIR))
    .filter((f) => f.endsWith(".py"))
    .map((f) => `${PIPELINE_CODE_DIR}/${f}`);
  const names = platformNames(settings.catalog);
  const registry = compileRegistry(mesh.domains.map((d) => compileContract(settings, names, d)));

  const providers = createProviders(settings, cfg);
  const platform = new Platform(
    "platform",
    {
      spec: compilePlatform(settings, mesh),
      settings,
      registry,
      datahubSecrets: {
        mysqlPassword: cfg.requireSecret(SECRET_KEYS.datahubMysqlPassword),
        gmsToken: cfg.requireSecret(SECRET_KEYS.datahubGmsToken),
        databricksToken: cfg.requireSecret(SECRET_KEYS.datahubDatabricksToken),
      },
    },
    { providers: [providers.aws, providers.databricks, providers.kubernetes] },
  );
  const domains = mesh.domains.map(
    (d) =>
      new DataDomain(
        d.metadata.name,
        { manifest: d, spec: compileDomain(settings, mesh, d, code), settings, platform: platform.refs },
        { providers: [providers.databricks, providers.kafka, providers.kubernetes] },
      ),
  );
  return {
    catalog: platform.catalogName,
    warehouseId: platform.warehouseId,
    gmsUrl: platform.gmsUrl,
    registryTable: platform.registryTable,
    functions: platform.functionNames,
    domains: Object.fromEntries(domains.map((d, i) => [mesh.domains[i].metadata.name, { schema: d.schemaName, topics: d.topicNames, pipelineId: d.pipelineId }])),
  };
}
