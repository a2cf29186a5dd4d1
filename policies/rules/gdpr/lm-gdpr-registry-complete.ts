import type { StackValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, domainProps, known, ruleId, T, UNKNOWN, where } from "../../lib";

const ID = ruleId(__filename);

/** The GDPR jobs find personal data only through the registry: a column missing there is never erased. */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "Every personal column of every dataset is listed in the GDPR registry the platform deploys.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Plan the platform and the domains from the same manifests (the registry is compiled from them); do not edit the registry by hand.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const isRows = (r: (typeof args.resources)[number]) => known(() => r.props.kind === "rows" && String(r.props.objectName).endsWith("gdpr_registry#rows"));
    const rowsResource = args.resources.find((r) => r.type === T.SqlObject && isRows(r) === true);
    const undecided = args.resources.filter((r) => r.type === T.SqlObject && isRows(r) === UNKNOWN);
    const domains = args.resources.flatMap((r) => {
      const d = domainProps(r, ID);
      return d ? [d] : [];
    });
    if (domains.length === 0) return; // a platform-only stack: the domains' stacks check their own datasets
    if (!rowsResource) {
      // Domain stacks read the registry from the platform stack, which checks it against every manifest.
      if (!args.resources.some((r) => r.type === "lakemesh:platform:Platform")) return;
      if (undecided.length > 0) return checkedAtUpdate(ID, undecided[0].urn, "which SQL object holds the GDPR registry rows (unknown)");
      report("the GDPR registry rows are not deployed");
      return;
    }
    const given = known(() => ((rowsResource.props.create?.[0]?.parameters ?? []) as { name: string; value: string | null }[]).map((p) => [p.name, p.value] as const));
    if (given === UNKNOWN) return checkedAtUpdate(ID, rowsResource.urn, "the GDPR registry rows (unknown)");
    const params = new Map<string, string | null>(given);
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
