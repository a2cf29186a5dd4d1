import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parseSemver } from "../../../lib/manifest/semver";
import { domainProps, ruleId } from "../../lib";

const ID = ruleId(__filename);

/** Previous contracts: { "<domain>": { "<dataset>": { version, lifecycle, columns: [names] } } }. */
export type PreviousContracts = Record<string, Record<string, { version: string; lifecycle: string; columns: string[] }>>;

/** Consumers of an active dataset break when a column disappears; that needs a new major version. */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "Removing or renaming a column of an active dataset requires a major version bump (compared with the previous plan when one is given).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Keep the column (deprecate it in its description), or bump contract.version to the next major and tell the consumers.",
  configSchema: {
    properties: {
      previous: { type: "object", default: {}, description: "Contracts of the previous plan (lakemesh plan --previous fills it in)." },
    },
  },
  validateResource: (args, report) => {
    const d = domainProps(args, ID);
    if (!d) return;
    const { previous } = args.getConfig<{ previous: PreviousContracts }>();
    const before = previous[d.manifest.metadata.name];
    if (!before) return; // no previous plan: nothing to compare with
    for (const ds of d.manifest.spec.datasets) {
      const old = before[ds.name];
      if (!old || old.lifecycle !== "active") continue;
      const removed = old.columns.filter((c) => !ds.columns.some((x) => x.name === c));
      if (removed.length === 0) continue;
      const [was, now] = [parseSemver(old.version), parseSemver(ds.contract.version)];
      if (!was || !now || now.major <= was.major) {
        report(`${d.manifest.metadata.name}.${ds.name} removes or renames ${removed.join(", ")} of an active contract without a major version bump (${old.version} -> ${ds.contract.version})`);
      }
    }
  },
};
