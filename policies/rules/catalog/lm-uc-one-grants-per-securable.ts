import type { StackValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, known, ruleId, securableOf, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** Grants is authoritative for a securable: two of them flip-flop, and a Grant beside one is wiped. */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "Each securable has exactly one authoritative Grants, and no per-principal Grant beside it.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Merge the grants into one Grants resource for the securable; use Grant only on securables shared with other stacks.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const key = (r: (typeof args.resources)[number]) => {
      const s = securableOf(r);
      if (s?.name === UNKNOWN) checkedAtUpdate(ID, r.urn, `which ${s.kind} this grant is on (its name is unknown)`);
      return s && s.name !== UNKNOWN ? `${s.kind} ${s.name}` : undefined;
    };
    const grants = new Map<string, string[]>();
    for (const r of args.resources.filter((x) => x.type === T.Grants)) {
      const k = key(r);
      if (k) grants.set(k, [...(grants.get(k) ?? []), r.urn]);
    }
    for (const [k, urns] of grants) if (urns.length > 1) report(`${k} has ${urns.length} authoritative Grants resources`, urns[1]);
    for (const r of args.resources.filter((x) => x.type === T.Grant)) {
      const k = key(r);
      if (k && grants.has(k)) {
        const principal = known(() => r.props.principal);
        report(`${k} has a Grant for ${principal === UNKNOWN ? "a principal unknown at preview" : principal} beside its authoritative Grants`, r.urn);
      }
    }
  },
};
