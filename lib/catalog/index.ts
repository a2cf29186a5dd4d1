// The mesh as its consumers and reviewers see it: the data product catalog and CODEOWNERS.
export * from "./catalog";
export * from "./render";
export * from "./codeowners";
