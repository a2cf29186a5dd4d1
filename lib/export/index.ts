// Contracts in the formats other tools read: Open Data Contract Standard documents (DataHub metadata is compiled
// with each domain, lib/compile/datahub-metadata.ts, because its ingestion job loads it).
export * from "./odcs";
export * from "./odcs-schema";
