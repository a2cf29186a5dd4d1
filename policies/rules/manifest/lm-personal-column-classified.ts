import type { ResourceValidationPolicy } from "@pulumi/policy";
import { domainProps, ruleId, where } from "../../lib";

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
    d.manifest.spec.datasets.forEach((ds, i) => {
      ds.columns.forEach((c, j) => {
        if (!c.personalData) return; // absent, or false: not personal (the validator checks its reason)
        const column = `${where(d, ["spec", "datasets", i, "columns", j, "personalData"])}: personal column ${d.manifest.metadata.name}.${ds.name}.${c.name}`;
        if (!c.personalData.category) report(`${column} has no category`);
        if (c.personalData.erasure !== "delete" && c.personalData.erasure !== "anonymize") report(`${column} has no erasure method (delete or anonymize)`);
      });
    });
  },
};
