export * from "./identifiers";
export * from "./template";
