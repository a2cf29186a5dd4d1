export { DataDomain, type DataDomainArgs } from "./DataDomain";
export { type PlatformRefs } from "./refs";
