import type { ManifestError } from "./errors";
import { displayPath, type FieldPath } from "./paths";
import type { SourceMap } from "./source";
import type { Dataset, DatasetRef, DomainManifest } from "./types.gen";
import { refDomain } from "./model";

/** A manifest that passed the JSON Schema, with its file and source positions. */
export interface LoadedManifest {
  readonly file: string;
  readonly manifest: DomainManifest;
  readonly sourceMap: SourceMap;
}

/** Everything a cross-manifest check can see. */
export interface RuleContext {
  /** Schema-valid manifests, sorted by file. */
  readonly manifests: readonly LoadedManifest[];
  /** First manifest of each domain name. */
  readonly domains: ReadonlyMap<string, LoadedManifest>;
  /** Names of domains whose manifest failed the schema: references to them are not reported twice. */
  readonly brokenDomains: ReadonlySet<string>;
}

export type Reporter = (m: LoadedManifest, path: FieldPath, message: string, allowed: string, prefer?: "value" | "key") => void;

/** One semantic check. Its id is its file name under lib/manifest/rules/. */
export interface ManifestRule {
  readonly id: string;
  readonly description: string;
  check(ctx: RuleContext, report: Reporter): void;
}

export type RefResolution =
  | { readonly kind: "found"; readonly domainName: string; readonly domain: LoadedManifest; readonly dataset: Dataset }
  | { readonly kind: "unknown-domain"; readonly domainName: string }
  | { readonly kind: "broken-domain"; readonly domainName: string }
  | { readonly kind: "unknown-dataset"; readonly domainName: string };

export function resolveRef(ctx: RuleContext, from: LoadedManifest, ref: DatasetRef): RefResolution {
  const domainName = refDomain(from.manifest, ref);
  const domain = domainName === from.manifest.metadata.name ? from : ctx.domains.get(domainName);
  if (!domain) return { kind: ctx.brokenDomains.has(domainName) ? "broken-domain" : "unknown-domain", domainName };
  const dataset = domain.manifest.spec.datasets.find((d) => d.name === ref.dataset);
  return dataset ? { kind: "found", domainName, domain, dataset } : { kind: "unknown-dataset", domainName };
}

/** Runs rules and turns their reports into located errors; a rule that throws is reported, the others still run. */
export function runRules(ctx: RuleContext, rules: readonly ManifestRule[]): ManifestError[] {
  const errors: ManifestError[] = [];
  for (const rule of rules) {
    const report: Reporter = (m, path, message, allowed, prefer = "value") => {
      const pos = m.sourceMap.locate(path, prefer);
      errors.push({ file: m.file, line: pos.line, column: pos.column, path: displayPath(path), message, allowed, rule: rule.id });
    };
    try {
      rule.check(ctx, report);
    } catch (e) {
      const first = ctx.manifests[0]?.file ?? "(mesh)";
      errors.push({ file: first, line: 1, column: 1, path: "(mesh)", message: `check ${rule.id} failed: ${String((e as Error)?.message ?? e)}`, allowed: "a mesh lakemesh can check (please report this error)", rule: rule.id });
    }
  }
  return errors;
}
