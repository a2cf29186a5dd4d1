import type { ResourceValidationPolicy } from "@pulumi/policy";
import { effectiveOwner } from "../../../lib/manifest/model";
import type { Owner } from "../../../lib/manifest/types.gen";
import { parseSemver } from "../../../lib/manifest/semver";
import { domainProps, ruleId, where } from "../../lib";

const ID = ruleId(__filename);

/** Every dataset names an owning team with a contact, and a semantic contract version. */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "Every dataset has an owner (team and contact, its own or the domain's) and a semver contract version.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set metadata.owner (or the dataset's owner) and contract.version in the domain manifest.",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    const d = domainProps(args, ID);
    if (!d) return;
    d.manifest.spec.datasets.forEach((ds, i) => {
      const at = ["spec", "datasets", i];
      const owner = effectiveOwner(d.manifest, ds) as Partial<Owner> | undefined; // the inputs may be anything
      if (!owner?.team || !owner?.contact) report(`${where(d, ds.owner ? [...at, "owner"] : ["metadata", "owner"])}: dataset ${d.manifest.metadata.name}.${ds.name} has no owner team and contact`);
      if (!ds.contract?.version || !parseSemver(ds.contract.version)) report(`${where(d, [...at, "contract", "version"])}: dataset ${d.manifest.metadata.name}.${ds.name} has no semver contract version (got ${JSON.stringify(ds.contract?.version)})`);
    });
  },
};
