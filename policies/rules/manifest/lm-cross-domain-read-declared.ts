import type { StackValidationPolicy } from "@pulumi/policy";
import { domainProps, ruleId, where } from "../../lib";

const ID = ruleId(__filename);

/** Reads across domains are declared by the consumer and served only from published datasets. */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "A cross-domain read is declared in the consumer's spec.consumers and reads a dataset its owner publishes (lifecycle active).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Add {domain, datasets, purpose} to the reader's spec.consumers, and have the owner set contract.lifecycle: active.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const domains = args.resources.flatMap((r) => {
      const d = domainProps(r, ID);
      return d ? [{ r, d }] : [];
    });
    const byName = new Map(domains.map((x) => [x.d.manifest.metadata.name, x.d.manifest]));
    for (const { r, d } of domains) {
      const own = d.manifest.metadata.name;
      d.manifest.spec.datasets.forEach((ds, i) => {
        (ds.source.datasets ?? []).forEach((ref, k) => {
          if (!ref.domain || ref.domain === own) return;
          const at = where(d, ["spec", "datasets", i, "source", "datasets", k]);
          const declared = (d.manifest.spec.consumers ?? []).some((c) => c.domain === ref.domain && (c.datasets ?? []).includes(ref.dataset));
          if (!declared) report(`${at}: ${own}.${ds.name} reads ${ref.domain}.${ref.dataset} without declaring it in spec.consumers`, r.urn);
          const producer = byName.get(ref.domain);
          // A producer in another stack is not visible here; its own stack checks what it publishes.
          const target = producer?.spec.datasets.find((x) => x.name === ref.dataset);
          if (producer && target?.contract.lifecycle !== "active") report(`${at}: ${own}.${ds.name} reads ${ref.domain}.${ref.dataset}, which is not published (lifecycle ${target?.contract.lifecycle ?? "missing"})`, r.urn);
        });
      });
    }
  },
};
