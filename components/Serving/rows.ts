import * as pulumi from "@pulumi/pulumi";
import type { GovernanceObjectSpec } from "../../lib/compile";
import { sqlObjectProvider, statementsSha256 } from "../governance/SqlObject";

/**
 * Governance rows whose statements depend on values only a deployment knows (the tenant principals' application
 * ids): the same provider as SqlObject, with the spec as an Output.
 */
export class SqlRows extends pulumi.dynamic.Resource {
  constructor(name: string, args: { spec: pulumi.Output<GovernanceObjectSpec>; objectName: string; host: pulumi.Input<string>; warehouseId: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
    super(
      sqlObjectProvider,
      name,
      {
        objectName: args.objectName,
        kind: "rows",
        host: args.host,
        warehouseId: args.warehouseId,
        create: args.spec.apply((s) => [...s.create]),
        drop: [],
        sha256: args.spec.apply((s) => statementsSha256(s.create)),
      },
      opts,
    );
  }
}
