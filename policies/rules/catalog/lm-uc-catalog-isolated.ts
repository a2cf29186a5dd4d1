import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, known, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** A catalog, its credential and its locations are bound to this workspace only. */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "Catalogs are ISOLATED; storage credentials and external locations are ISOLATION_MODE_ISOLATED.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set isolationMode (ISOLATED for catalogs, ISOLATION_MODE_ISOLATED for credentials and locations); bind other workspaces explicitly.",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    const want = args.type === T.Catalog ? "ISOLATED" : args.type === T.StorageCredential || args.type === T.ExternalLocation ? "ISOLATION_MODE_ISOLATED" : undefined;
    if (!want) return;
    const mode = known(() => args.props.isolationMode);
    const name = known(() => args.props.name);
    const label = name === UNKNOWN ? args.name : name;
    if (mode === UNKNOWN) checkedAtUpdate(ID, args.urn, "isolationMode");
    else if (mode !== want) {
      report(args.type === T.Catalog ? `catalog ${label} is not ISOLATED (isolationMode ${JSON.stringify(mode ?? "unset")})` : `${args.type.split(":").pop()} ${label} is not ISOLATION_MODE_ISOLATED`);
    }
  },
};
