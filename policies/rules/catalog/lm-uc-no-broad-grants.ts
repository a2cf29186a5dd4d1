import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, domainProps, known, ruleId, securableOf, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);
const SECURABLES = ["catalog", "schema", "table", "volume", "function"] as const;

function principalsOf(r: PolicyResource): (string | typeof UNKNOWN)[] | typeof UNKNOWN {
  return known(() => (r.type === T.Grant ? [known(() => String(r.props.principal))] : [...((r.props.grants ?? []) as { principal: string }[])].map((g) => known(() => g.principal))));
}

/** Everyone in the account must never reach personal data through a grant. */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "No grant to `account users` or `users` on a catalog, schema, table, volume or function that holds or protects personal data.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Grant to a persona group from the stack's personas map instead.",
  configSchema: { properties: { broadPrincipals: { type: "array", items: { type: "string" }, default: ["account users", "users"] } } },
  validateStack: (args, report) => {
    const { broadPrincipals } = args.getConfig<{ broadPrincipals: string[] }>();
    const broad = new Set(broadPrincipals.map((p) => p.toLowerCase()));
    // Schemas whose domain has no personal column hold no personal data; everything else (the catalog, the
    // governance schema, functions, volumes) is treated as holding or guarding it.
    const withoutPii = new Set(
      args.resources.flatMap((r) => {
        const d = domainProps(r, ID);
        return d && !d.manifest.spec.datasets.some((ds) => ds.columns.some((c) => c.personalData)) ? [d.schema] : [];
      }),
    );
    for (const r of args.resources.filter((x) => x.type === T.Grants || x.type === T.Grant)) {
      const s = securableOf(r, SECURABLES);
      if (!s) continue;
      const principals = principalsOf(r);
      if (principals === UNKNOWN) {
        checkedAtUpdate(ID, r.urn, `the principals granted on ${s.kind} ${s.name === UNKNOWN ? "(unknown)" : s.name}`);
        continue;
      }
      const found = principals.filter((p): p is string => p !== UNKNOWN && broad.has(p.toLowerCase()));
      if (principals.includes(UNKNOWN)) checkedAtUpdate(ID, r.urn, `a principal granted on ${s.kind} ${s.name === UNKNOWN ? "(unknown)" : s.name}`);
      if (found.length === 0) continue;
      if (s.name === UNKNOWN) {
        checkedAtUpdate(ID, r.urn, `which ${s.kind} is granted to ${found.map((p) => JSON.stringify(p)).join(", ")} (its name is unknown)`);
        continue;
      }
      if (s.kind === "schema" && withoutPii.has(s.name.split(".").pop()!)) continue;
      for (const p of found) report(`${s.kind} ${s.name} is granted to ${JSON.stringify(p)}`, r.urn);
    }
  },
};
