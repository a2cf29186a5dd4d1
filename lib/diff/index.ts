// Contract diff between two revisions of the mesh (lakemesh diff, lakemesh plan --base, the breaking-change rule).
export * from "./types";
export * from "./column-types";
export * from "./consumers";
export * from "./semver";
export * from "./mesh";
export * from "./render";
