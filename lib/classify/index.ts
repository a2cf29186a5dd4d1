// The personal-data classifier: column names, descriptions, types and values that look personal. One pattern table
// (patterns.json) serves validate (lib/manifest/rules/unmarked-personal-data.ts), lakemesh sample and, from Python,
// the local data plane (scripts/local/personal_values.py).
export * from "./table";
export * from "./columns";
export * from "./values";
export * from "./metrics";
