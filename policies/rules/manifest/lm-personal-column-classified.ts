import type { ResourceValidationPolicy } from "@pulumi/policy";
import { domainProps, ruleId } from "../../lib";

const ID = ruleId(__filename);

/** A personal column says what it is and how it is erased. */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "Every personal column has a personal-data category and an erasure method (delete or anonymize).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Give the column personalData.category and personalData.erasure in the manifest.",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    const d = domainProps(args, ID);
    if (!d) return;
    for (const ds of d.manifest.spec.datasets) {
      for (const c of ds.columns) {
        if (c.personalData === undefined) continue;
        const where = `${d.manifest.metadata.name}.${ds.name}.${c.name}`;
        if (!c.personalData.category) report(`personal column ${where} has no category`);
        if (c.personalData.erasure !== "delete" && c.personalData.erasure !== "anonymize") report(`personal column ${where} has no erasure method (delete or anonymize)`);
      }
    }
  },
};
