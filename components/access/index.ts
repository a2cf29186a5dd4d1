export { GroupMembership, type GroupMembershipArgs } from "./GroupMembership";
export { Identities, type IdentitiesArgs } from "./Identities";
