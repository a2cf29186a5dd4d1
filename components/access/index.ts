export { GroupMembership, type GroupMembershipArgs } from "./GroupMembership";
