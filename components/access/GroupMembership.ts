import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { TYPES } from "../types";

/** Arguments for {@link GroupMembership}. */
export interface GroupMembershipArgs {
  /** Display name of the account group. */
  readonly group: string;
  /** Application id of the service principal that joins it (an output when this stack creates the principal). */
  readonly member: pulumi.Input<string>;
  /** SCIM id of the group in the account (from a lookup through the account-level provider). */
  readonly groupId: pulumi.Input<string>;
  /** SCIM id of the service principal in the account. */
  readonly memberId: pulumi.Input<string>;
  /** The account-level Databricks provider (host accounts.cloud.databricks.com). */
  readonly accountProvider: databricks.Provider;
  /**
   * Former identities of the GroupMember, for a membership that used to be created elsewhere (another parent):
   * Pulumi then moves the existing member under this component instead of replacing it.
   * @default none
   */
  readonly memberAliases?: pulumi.Input<pulumi.Alias>[];
}

/**
 * One workload principal's membership of one account group, managed at the account. Its inputs name the group and
 * the member, so the access model and the policy pack read who is in which group from the plan.
 */
export class GroupMembership extends pulumi.ComponentResource {
  constructor(name: string, args: GroupMembershipArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPES.GroupMembership, name, { group: args.group, member: args.member }, opts);
    new databricks.GroupMember(name, { groupId: args.groupId, memberId: args.memberId }, { parent: this, provider: args.accountProvider, aliases: args.memberAliases });
    // Registered as outputs too: the engine gives stack policies a component's outputs, not its inputs.
    this.registerOutputs({ group: args.group, member: args.member });
  }
}
