// The access model: who runs what, what each principal holds (read from what the plan registers) and what each
// workload needs (read from what it runs), and what each persona sees. Pure: no Pulumi import
// (test/compile/purity.test.ts enforces it).
export * from "./types";
export * from "./plan";
export * from "./identities";
export * from "./prerequisites";
export * from "./functions";
export * from "./levels";
export * from "./facts";
export * from "./holds";
export * from "./needs-domain";
export * from "./needs-platform";
export * from "./visibility";
export * from "./tenant-principals";
export * from "./report";
export * from "./markdown";
export * from "./account";
