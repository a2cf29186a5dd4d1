import type { StackValidationPolicy } from "@pulumi/policy";
import { diffMeshes } from "../../../lib/diff";
import type { DomainManifest } from "../../../lib/manifest/types.gen";
import { domainProps, ruleId, where, type DataDomainProps } from "../../lib";

const ID = ruleId(__filename);

/**
 * The revision to compare with: its manifests, and a label (a git ref or a plan file). `lakemesh plan --base <ref>`
 * and `--previous <plan.json>` fill it in; under `pulumi preview` give it in --policy-pack-config.
 */
export interface BreakingChangeConfig {
  readonly base?: { readonly label: string; readonly manifests: readonly DomainManifest[] };
  /** The head revision's other domains (whose consumers may have moved); default: the base's. */
  readonly mesh?: readonly DomainManifest[];
}

/**
 * The contract diff's gate (lib/diff) over the stack's domains: a breaking change to a published contract needs a
 * major bump, and every other domain (or dashboard, or API query) reading what broke must have moved to it.
 */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "A breaking contract change (column removed or renamed, type narrowed, nullability changed, key changed, retention below a reader's need, dataset retired while read) bumps the major version, and every consumer has moved to it (compared with a base revision when one is given).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Keep the contract compatible (add instead of change; deprecate a column in its description), or bump contract.version to the next major and have each consumer domain accept it in spec.consumers[].acceptedMajors. lakemesh diff --base <ref> shows every change and who it reaches.",
  configSchema: {
    properties: {
      base: { type: "object", default: {}, description: "The base revision: { label, manifests } (lakemesh plan --base or --previous fills it in); none: nothing to compare with." },
      mesh: { type: "array", default: [], description: "The head revision's manifests of domains outside this stack; none: the base's." },
    },
  },
  validateStack: (args, report) => {
    const { base, mesh } = args.getConfig<BreakingChangeConfig>();
    if (!base?.manifests) return; // nothing to compare with
    const inStack = args.resources.flatMap((r) => {
      const d = domainProps(r, ID);
      return d ? [{ props: d, manifest: d.manifest, urn: r.urn }] : [];
    });
    const names = new Set(inStack.map((d) => d.manifest.metadata.name));
    const others = (mesh && mesh.length > 0 ? mesh : base.manifests).filter((m) => !names.has(m.metadata.name));
    const head = [...inStack.map((d) => d.manifest), ...others];
    // Domains this stack deploys, and those that left the mesh (their resources leave with this stack).
    const headNames = new Set(head.map((m) => m.metadata.name));
    const gated = (domain: string) => names.has(domain) || !headNames.has(domain);
    const diff = diffMeshes(base.manifests, head, { baseLabel: base.label });
    for (const d of diff.domains.filter((x) => gated(x.domain))) {
      const own = inStack.find((x) => x.manifest.metadata.name === d.domain);
      for (const x of d.datasets) for (const f of x.failures) report(`${own ? `${located(own.props, x.dataset)}: ` : ""}${x.domain}.${x.dataset}: ${f} (against ${base.label})`, own?.urn);
    }
  },
};

/** Where a failure of a dataset is fixed: its contract version in the manifest, or the dataset list it left. */
function located(d: DataDomainProps, dataset: string): string {
  const i = d.manifest.spec.datasets.findIndex((x) => x.name === dataset);
  return where(d, i >= 0 ? ["spec", "datasets", i, "contract", "version"] : ["spec", "datasets"]);
}
