import * as fs from "fs";
import * as path from "path";
import { isMap, isScalar, LineCounter, parseDocument, type Pair } from "yaml";
import { CONFIG_NAMESPACE, DOMAIN_SECRET_KEYS, domainSecretKey, mustBeSecretConfig, readSettings, SECRET_KEYS, type Settings } from "../../lib/compile";
import { readManifestFiles } from "../../lib/manifest";
import { readRegularFile, UnreadableFileError } from "../../lib/read-file";
import { printable } from "../../lib/text";

/** Stack and project files are a few kilobytes; anything much larger is refused before parsing. */
export const MAX_STACK_FILE_BYTES = 64 * 1024;

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

/**
 * Domain names of the manifests in root/domains (for per-domain secret placeholders). Read with the manifest loader's
 * file limits (regular files only, bounded count and size) and without expanding aliases; unreadable or invalid files
 * are left to validation.
 */
function manifestNames(root: string): string[] {
  const dir = path.join(root, "domains");
  if (!fs.existsSync(dir)) return [];
  return readManifestFiles([dir], root)
    .files.flatMap((f) => {
      const name = parseDocument(f.text, { prettyErrors: false }).getIn(["metadata", "name"]);
      return typeof name === "string" && /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) ? [name] : [];
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
  if (!/^[A-Za-z0-9_.-]+$/.test(requested) || /^\.+$/.test(requested)) throw new StackConfigError(`--stack ${printable(JSON.stringify(requested))}: not a stack name; stacks here: ${listStacks(root).join(", ")}`);
  if (domain !== undefined && !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(domain)) throw new StackConfigError(`--domain ${printable(JSON.stringify(domain))}: not a domain name`);
  // A domain stack has its own file by convention (Pulumi.<env>-<domain>.yaml); without one, the environment's file
  // is used with mode: domain.
  const own = domain !== undefined && fs.existsSync(path.join(root, `Pulumi.${requested}-${domain}.yaml`));
  const stack = domain !== undefined ? `${requested}-${domain}` : requested;
  const projectFile = path.join(root, "Pulumi.yaml");
  if (!fs.existsSync(projectFile)) throw new StackConfigError(`Pulumi.yaml: not found in ${printable(root)}; run lakemesh from the project folder`);
  const project = (readYaml(projectFile, "Pulumi.yaml") as { name?: unknown } | null)?.name;
  if (typeof project !== "string" || !/^[A-Za-z0-9_.-]{1,100}$/.test(project)) throw new StackConfigError("Pulumi.yaml: no valid project name");
  const file = `Pulumi.${domain !== undefined && !own ? requested : stack}.yaml`;
  const full = path.join(root, file);
  if (!fs.existsSync(full)) throw new StackConfigError(`${file}: not found; stacks here: ${listStacks(root).join(", ") || "(none)"}`);
  const doc = (readYaml(full, file, refuseClearTextSecrets) ?? {}) as { config?: Record<string, unknown> };
  if (typeof doc !== "object" || Array.isArray(doc) || (doc.config !== undefined && (typeof doc.config !== "object" || doc.config === null || Array.isArray(doc.config)))) {
    throw new StackConfigError(`${file}: config: not a mapping of config keys; see lib/compile/settings.schema.json`);
  }
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
 * A small YAML file (regular file, at most MAX_STACK_FILE_BYTES, at most 100 aliases), parsed with positions; a
 * problem is one line naming the file, line and column. `check` sees the document before it is converted.
 */
function readYaml(full: string, shown: string, check?: (doc: ReturnType<typeof parseDocument>, at: (offset?: number) => string) => void): unknown {
  let text: string;
  try {
    text = readRegularFile(full, MAX_STACK_FILE_BYTES);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw new StackConfigError(`${shown}: file ${e.message}; a regular file of at most ${MAX_STACK_FILE_BYTES} bytes`);
    throw e;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset?: number) => {
    const p = lineCounter.linePos(offset ?? 0);
    return `${shown}:${p.line}:${p.col}`;
  };
  if (doc.errors.length > 0) throw new StackConfigError(`${at(doc.errors[0].pos[0])}: ${printable(doc.errors[0].message.split("\n")[0])}; well-formed YAML`);
  check?.(doc, at);
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new StackConfigError(`${shown}: ${printable((e as Error).message)}; plain YAML without alias bombs`);
  }
}

/**
 * Secrets are never in a stack file in clear text: a lakemesh secret, a provider credential or a key named like one
 * must be `{secure: ...}` (what `pulumi config set --secret` writes). Every such key is reported, located.
 */
function refuseClearTextSecrets(doc: ReturnType<typeof parseDocument>, at: (offset?: number) => string): void {
  const config = isMap(doc.contents) ? doc.contents.get("config", true) : undefined;
  if (!isMap(config)) return;
  const problems: string[] = [];
  for (const pair of config.items as Pair[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined || !mustBeSecretConfig(key)) continue;
    const value = pair.value;
    if (isMap(value) && value.has("secure")) continue;
    problems.push(`${at((pair.key as { range?: [number] }).range?.[0])}: ${printable(key)}: a secret in clear text; set it with \`pulumi config set --secret ${printable(key)}\` (the file then holds it encrypted)`);
  }
  if (problems.length > 0) throw new StackConfigError(problems.join("\n"));
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
