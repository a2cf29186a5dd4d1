export * from "./types";
export * from "./DataDomain";
export * from "./Platform";
export { Serving } from "./Serving";
