import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CONFIG_NAMESPACE, DOMAIN_SECRET_KEYS, domainSecretKey, readSettings, SECRET_KEYS, type Settings } from "../../lib/compile";

/** Value given to every secret in an offline plan. Never a real secret: plans must not need any. */
export const OFFLINE_SECRET = "offline-plan-placeholder";

export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  readonly file: string;
  /** Config as the Pulumi SDK takes it: `ns:key` -> string (JSON for structured values). */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  readonly settings: Settings;
}

export class StackConfigError extends Error {}

/** Domain names of the manifests in root/domains (for per-domain secret placeholders); unreadable files are left to validation. */
function manifestNames(root: string): string[] {
  const dir = path.join(root, "domains");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) => {
      try {
        const name = (parse(fs.readFileSync(path.join(dir, f), "utf8")) as { metadata?: { name?: unknown } })?.metadata?.name;
        return typeof name === "string" && /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) ? [name] : [];
      } catch {
        return [];
      }
    })
    .sort();
}

/** Stack names that have a Pulumi.<stack>.yaml in `root`. */
export function listStacks(root: string): string[] {
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/**
 * Reads Pulumi.yaml and Pulumi.<stack>.yaml. Secure values, and every lakemesh secret the file does not set, get
 * a placeholder marked secret, so the plan runs without decrypting anything.
 */
export function readStackConfig(root: string, requested: string, domain?: string): StackConfig {
  if (!/^[A-Za-z0-9_.-]+$/.test(requested)) throw new StackConfigError(`--stack ${JSON.stringify(requested)}: not a stack name; stacks here: ${listStacks(root).join(", ")}`);
  if (domain !== undefined && !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(domain)) throw new StackConfigError(`--domain ${JSON.stringify(domain)}: not a domain name`);
  // A domain stack has its own file by convention (Pulumi.<env>-<domain>.yaml); without one, the environment's file
  // is used with mode: domain.
  const own = domain !== undefined && fs.existsSync(path.join(root, `Pulumi.${requested}-${domain}.yaml`));
  const stack = domain !== undefined ? `${requested}-${domain}` : requested;
  const projectFile = path.join(root, "Pulumi.yaml");
  if (!fs.existsSync(projectFile)) throw new StackConfigError(`Pulumi.yaml: not found in ${root}; run lakemesh from the project folder`);
  const project = (parse(fs.readFileSync(projectFile, "utf8")) as { name?: string })?.name;
  if (!project) throw new StackConfigError("Pulumi.yaml: no project name");
  const file = `Pulumi.${domain !== undefined && !own ? requested : stack}.yaml`;
  const full = path.join(root, file);
  if (!fs.existsSync(full)) throw new StackConfigError(`${file}: not found; stacks here: ${listStacks(root).join(", ") || "(none)"}`);
  const doc = (parse(fs.readFileSync(full, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    if (value && typeof value === "object" && "secure" in (value as object)) {
      config[key] = OFFLINE_SECRET;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  if (domain !== undefined && !own) {
    config[`${CONFIG_NAMESPACE}:mode`] = "domain";
    config[`${CONFIG_NAMESPACE}:domain`] = domain;
  }
  if (domain !== undefined && own && config[`${CONFIG_NAMESPACE}:domain`] !== domain) {
    throw new StackConfigError(`${file}: lakemesh:domain: ${JSON.stringify(config[`${CONFIG_NAMESPACE}:domain`] ?? null)} is not ${JSON.stringify(domain)}; the file of stack ${stack} must hold that domain`);
  }
  const perDomain = manifestNames(root).flatMap((d) => (Object.keys(DOMAIN_SECRET_KEYS) as (keyof typeof DOMAIN_SECRET_KEYS)[]).map((k) => domainSecretKey(k, d)));
  for (const k of [...Object.values(SECRET_KEYS), ...perDomain]) {
    const key = `${CONFIG_NAMESPACE}:${k}`;
    if (k === SECRET_KEYS.kubeconfig || key in config) continue;
    config[key] = OFFLINE_SECRET;
    secretKeys.push(key);
  }
  const get = (k: string) => {
    const raw = config[`${CONFIG_NAMESPACE}:${k}`];
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  };
  let settings: Settings;
  try {
    settings = readSettings(get, file);
  } catch (e) {
    throw new StackConfigError((e as Error).message);
  }
  return { project, stack, file, config, secretKeys: secretKeys.sort(), settings };
}

/**
 * A stack file's text with its domainServicePrincipals map replaced by `principals` (domain -> application id):
 * for projects with other domains than the shipped ones (test fixtures, benchmarks).
 */
export function withDomainPrincipals(text: string, principals: Readonly<Record<string, string>>): string {
  const block = /( +)domainServicePrincipals:\n(?:\1 +[a-z0-9-]+: [0-9a-f-]+\n)+/;
  if (!block.test(text)) throw new Error("the stack file has no domainServicePrincipals block");
  return text.replace(block, (_m, indent: string) => `${indent}domainServicePrincipals:\n${Object.entries(principals).map(([d, id]) => `${indent}  ${d}: ${id}\n`).join("")}`);
}
