// Pure planning: validated manifests plus stack settings in, plain specs out. Imports no Pulumi package
// (test/compile/purity.test.ts enforces it).
export * from "./settings";
export * from "./naming";
export * from "./model";
export * from "./json";
export * from "./platform-names";
export * from "./kafka";
export * from "./grants";
export * from "./contract";
export * from "./governance-sql";
export * from "./pipeline";
export * from "./datahub";
export * from "./domain";
export * from "./governance";
export * from "./platform";
export * from "./survival";
