import type { StackValidationPolicy } from "@pulumi/policy";
import { domainProps, ruleId, T, where } from "../../lib";

/** The GDPR jobs find personal data only through the registry: a column missing there is never erased. */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: "Every personal column of every dataset is listed in the GDPR registry the platform deploys.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Plan the platform and the domains from the same manifests (the registry is compiled from them); do not edit the registry by hand.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const rowsResource = args.resources.find((r) => r.type === T.SqlObject && r.props.kind === "rows" && String(r.props.objectName).endsWith("gdpr_registry#rows"));
    const domains = args.resources.flatMap((r) => (domainProps(r) ? [domainProps(r)!] : []));
    if (domains.length === 0) return; // a platform-only stack: the domains' stacks check their own datasets
    if (!rowsResource) {
      // Domain stacks read the registry from the platform stack, which checks it against every manifest.
      if (!args.resources.some((r) => r.type === "lakemesh:platform:Platform")) return;
      report("the GDPR registry rows are not deployed");
      return;
    }
    const params = new Map<string, string | null>(((rowsResource.props.create?.[0]?.parameters ?? []) as { name: string; value: string | null }[]).map((p) => [p.name, p.value]));
    const listed = new Set<string>();
    for (let i = 0; params.has(`dataset_${i}`); i++) {
      const cols = JSON.parse(params.get(`personal_columns_${i}`) ?? "[]") as { name: string }[];
      for (const c of cols) listed.add(`${params.get(`dataset_${i}`)}.${c.name}`);
    }
    for (const d of domains) {
      d.manifest.spec.datasets.forEach((ds, i) => {
        ds.columns.forEach((c, j) => {
          if (!c.personalData) return;
          const key = `${d.schema}.${ds.name}.${c.name}`;
          if (![...listed].some((l) => l.endsWith(`.${key}`))) {
            report(`${where(d, ["spec", "datasets", i, "columns", j, "personalData"])}: personal column ${d.manifest.metadata.name}.${ds.name}.${c.name} is not in the GDPR registry`, rowsResource.urn);
          }
        });
      });
    }
  },
};
