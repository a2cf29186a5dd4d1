import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { domainProps, ruleId, T } from "../../lib";

const SECURABLES = ["catalog", "schema", "table", "volume", "function"] as const;

function securableOf(r: PolicyResource): { kind: string; name: string } | undefined {
  for (const k of SECURABLES) if (typeof r.props[k] === "string") return { kind: k, name: r.props[k] };
  return undefined;
}

function principalsOf(r: PolicyResource): string[] {
  if (r.type === T.Grant) return [String(r.props.principal)];
  return ((r.props.grants ?? []) as { principal: string }[]).map((g) => g.principal);
}

/** Everyone in the account must never reach personal data through a grant. */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
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
        const d = domainProps(r);
        return d && !d.manifest.spec.datasets.some((ds) => ds.columns.some((c) => c.personalData)) ? [d.schema] : [];
      }),
    );
    for (const r of args.resources.filter((x) => x.type === T.Grants || x.type === T.Grant)) {
      const s = securableOf(r);
      if (!s) continue;
      if (s.kind === "schema" && withoutPii.has(s.name.split(".").pop()!)) continue;
      for (const p of principalsOf(r)) if (broad.has(p.toLowerCase())) report(`${s.kind} ${s.name} is granted to ${JSON.stringify(p)}`, r.urn);
    }
  },
};
