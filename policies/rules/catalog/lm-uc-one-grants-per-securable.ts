import type { StackValidationPolicy } from "@pulumi/policy";
import { ruleId, T } from "../../lib";

const KINDS = ["catalog", "schema", "table", "volume", "function", "externalLocation", "storageCredential", "metastore"];

/** Grants is authoritative for a securable: two of them flip-flop, and a Grant beside one is wiped. */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: "Each securable has exactly one authoritative Grants, and no per-principal Grant beside it.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Merge the grants into one Grants resource for the securable; use Grant only on securables shared with other stacks.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const key = (props: Record<string, any>) => {
      const k = KINDS.find((x) => typeof props[x] === "string");
      return k ? `${k} ${props[k]}` : undefined;
    };
    const grants = new Map<string, string[]>();
    for (const r of args.resources.filter((x) => x.type === T.Grants)) {
      const k = key(r.props);
      if (k) grants.set(k, [...(grants.get(k) ?? []), r.urn]);
    }
    for (const [k, urns] of grants) if (urns.length > 1) report(`${k} has ${urns.length} authoritative Grants resources`, urns[1]);
    for (const r of args.resources.filter((x) => x.type === T.Grant)) {
      const k = key(r.props);
      if (k && grants.has(k)) report(`${k} has a Grant for ${r.props.principal} beside its authoritative Grants`, r.urn);
    }
  },
};
