import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, known, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** Topic names say who owns them and which contract they carry. */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "Topic names follow <domain>.<entity>.v<major>.",
  enforcementLevel: "mandatory",
  severity: "low",
  remediationSteps: "Declare the topic in a domain manifest; lakemesh names it from the domain, the topic and the contract's major version.",
  configSchema: { properties: { pattern: { type: "string", default: "^[a-z][a-z0-9]*(-[a-z0-9]+)*\\.[a-z][a-z0-9]*(-[a-z0-9]+)*\\.v[0-9]+$" } } },
  validateResource: (args, report) => {
    if (args.type !== T.Topic) return;
    const { pattern } = args.getConfig<{ pattern: string }>();
    const name = known(() => args.props.name);
    if (name === UNKNOWN) return checkedAtUpdate(ID, args.urn, "the topic name");
    if (!new RegExp(pattern).test(String(name ?? ""))) report(`topic name ${JSON.stringify(name)} is not <domain>.<entity>.v<major>`);
  },
};
