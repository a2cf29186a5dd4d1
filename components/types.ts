/** Type tokens of lakemesh components. Frozen once deployed: changing one changes every child's URN. */
export const TYPES = {
  DataDomain: "lakemesh:domain:DataDomain",
  Platform: "lakemesh:platform:Platform",
  Gdpr: "lakemesh:platform:Gdpr",
  GovernanceSql: "lakemesh:governance:SqlObject",
  Serving: "lakemesh:serving:Serving",
  GroupMembership: "lakemesh:access:GroupMembership",
  Identities: "lakemesh:access:Identities",
} as const;
