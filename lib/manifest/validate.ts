import { ManifestError, sortErrors } from "./errors";
import { LoadedManifest, runRules } from "./mesh";
import { MANIFEST_RULES } from "./rules";
import { validateSchema } from "./manifest-schema";
import { MAX_MESH_VALUES, parseManifestSource, type ValueBudget } from "./source";
import { schemaPattern } from "./manifest-schema";
import type { DomainManifest } from "./types.gen";

/** One manifest file's text, with the path errors should name. */
export interface ManifestFile {
  readonly file: string;
  readonly text: string;
}

export interface MeshValidation {
  /** Manifests that passed the schema (whether or not a semantic check failed), sorted by file. */
  readonly manifests: readonly LoadedManifest[];
  /** Every error of every file, sorted by file, line and column. Empty means the mesh is valid. */
  readonly errors: readonly ManifestError[];
}

/** At most this many schema errors are reported per file; one more line says how many were left out. */
export const MAX_ERRORS_PER_FILE = 100;

/**
 * Loads and validates a whole mesh: YAML with positions, JSON Schema per file, then the semantic rules across all
 * files. A file that cannot be checked (an unexpected exception) becomes an error of that file, and a rule that
 * throws becomes an error of that rule: neither hides the errors of the other files and rules.
 */
export function validateMesh(files: readonly ManifestFile[]): MeshValidation {
  const errors: ManifestError[] = [];
  const manifests: LoadedManifest[] = [];
  const brokenDomains = new Set<string>();
  const domainName = schemaPattern("DomainName");
  const budget: ValueBudget = { remaining: MAX_MESH_VALUES };
  for (const { file, text } of [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    try {
      const parsed = parseManifestSource(file, text, budget);
      if (!parsed.ok) {
        errors.push(...parsed.errors);
        continue;
      }
      const schemaErrors = validateSchema(file, parsed.value, parsed.sourceMap);
      if (schemaErrors.length > 0) {
        errors.push(...capped(file, schemaErrors));
        const name = (parsed.value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
        if (typeof name === "string" && domainName.test(name)) brokenDomains.add(name);
        continue;
      }
      manifests.push({ file, manifest: deepFreeze(parsed.value as DomainManifest), sourceMap: parsed.sourceMap });
    } catch (e) {
      errors.push({ file, line: 1, column: 1, path: "(file)", message: `could not be checked: ${String((e as Error)?.message ?? e)}`, allowed: "a manifest lakemesh can read (please report this error)", rule: "yaml" });
    }
  }
  const domains = new Map<string, LoadedManifest>();
  for (const m of manifests) if (!domains.has(m.manifest.metadata.name)) domains.set(m.manifest.metadata.name, m);
  errors.push(...runRules({ manifests, domains, brokenDomains }, MANIFEST_RULES));
  return { manifests, errors: sortErrors(errors) };
}

/** The first MAX_ERRORS_PER_FILE errors (in file order) and one that counts the rest. */
function capped(file: string, list: ManifestError[]): ManifestError[] {
  if (list.length <= MAX_ERRORS_PER_FILE) return list;
  const kept = sortErrors(list).slice(0, MAX_ERRORS_PER_FILE);
  const last = kept[kept.length - 1];
  return [
    ...kept,
    { file, line: last.line, column: last.column, path: "(file)", message: `${list.length - MAX_ERRORS_PER_FILE} more schema errors are not shown`, allowed: "fix the errors above and validate again", rule: "schema" },
  ];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/** A validation of some files in the context of the rest of a mesh. */
export interface ContextValidation extends MeshValidation {
  /** Context files used (those not replaced by a named file). */
  readonly contextFiles: number;
  /** Errors in the context files, not reported: they are not the named files' (lakemesh validate domains/ shows them). */
  readonly contextErrors: number;
}

/** The domain name a manifest file declares, if it parses that far. */
function declaredDomain(f: ManifestFile): string | undefined {
  const parsed = parseManifestSource(f.file, f.text);
  const name = parsed.ok ? (parsed.value as { metadata?: { name?: unknown } } | null)?.metadata?.name : undefined;
  return typeof name === "string" ? name : undefined;
}

/**
 * Validates `named` against `context` (the rest of domains/): cross-domain references of the named files resolve
 * against the other domains. A context file is left out when a named file is the same path or declares the same
 * domain (it is the new version of that file). Only the named files' errors are reported.
 */
export function validateAgainst(named: readonly ManifestFile[], context: readonly ManifestFile[], same: (a: string, b: string) => boolean = (a, b) => a === b): ContextValidation {
  const names = new Set(named.map(declaredDomain).filter((n): n is string => n !== undefined));
  const rest = context.filter((c) => !named.some((n) => same(n.file, c.file)) && !names.has(declaredDomain(c) ?? ""));
  const all = validateMesh([...named, ...rest]);
  const mine = new Set(named.map((n) => n.file));
  return {
    manifests: all.manifests.filter((m) => mine.has(m.file)),
    errors: all.errors.filter((e) => mine.has(e.file)),
    contextFiles: rest.length,
    contextErrors: all.errors.filter((e) => !mine.has(e.file)).length,
  };
}
