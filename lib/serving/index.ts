// The serving layer's pure parts: the query catalog and SQL of the tenant-scoped API, request parsing, cursors,
// value representation, the embedded dashboards and the Kubernetes deployment of the API. No Pulumi import
// (test/compile/purity.test.ts covers lib/).
export * from "./catalog";
export * from "./request";
export * from "./query";
export * from "./cursor";
export * from "./values";
export * from "./dashboards";
export * from "./platform";
export * from "./kubernetes";
