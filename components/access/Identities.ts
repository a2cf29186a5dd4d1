import * as pulumi from "@pulumi/pulumi";
import type { Identities as IdentitiesSpec } from "../../lib/access";
import { TYPES } from "../types";

/** Arguments for {@link Identities}. */
export interface IdentitiesArgs {
  /** Who runs what, and what this stack relies on without creating it (lib/access compileIdentities). */
  readonly spec: IdentitiesSpec;
}

/**
 * The stack's identities as plain data in the plan: the persona groups, each workload's principal, the account
 * that owns the account-level objects, and the listed prerequisites (`lakemesh preflight` checks each). It creates
 * nothing; the access model and the policy pack read it next to the resources that grant privileges.
 */
export class Identities extends pulumi.ComponentResource {
  constructor(name: string, args: IdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPES.Identities, name, { ...args.spec }, opts);
    // Stack policies under the engine read a component's registered outputs, not its constructor inputs.
    this.registerOutputs({ ...args.spec });
  }
}
