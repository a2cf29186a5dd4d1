import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ruleId, T } from "../../lib";

/** A catalog, its credential and its locations are bound to this workspace only. */
export const policy: ResourceValidationPolicy = {
  name: ruleId(__filename),
  description: "Catalogs are ISOLATED; storage credentials and external locations are ISOLATION_MODE_ISOLATED.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set isolationMode (ISOLATED for catalogs, ISOLATION_MODE_ISOLATED for credentials and locations); bind other workspaces explicitly.",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    if (args.type === T.Catalog && args.props.isolationMode !== "ISOLATED") report(`catalog ${args.props.name} is not ISOLATED (isolationMode ${JSON.stringify(args.props.isolationMode ?? "unset")})`);
    if ((args.type === T.StorageCredential || args.type === T.ExternalLocation) && args.props.isolationMode !== "ISOLATION_MODE_ISOLATED") {
      report(`${args.type.split(":").pop()} ${args.props.name} is not ISOLATION_MODE_ISOLATED`);
    }
  },
};
