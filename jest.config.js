// ESM-only packages the serving API loads (jose 6, cookie and set-cookie-parser under fastify's inject,
// content-disposition under @fastify/static, and some of @databricks/sql's): Node loads them through require(esm),
// Jest's module system needs them compiled to CommonJS.
const ESM_PACKAGES = "jose|content-disposition|cookie|set-cookie-parser|uuid|chalk-template|@75lb/deep-merge|color|color-convert|color-string|color-name";

/** @type {import('jest').Config} */
module.exports = {
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // The real-engine tests run apart (npm run test:engine, jest.engine.config.js): minutes, a broker, one at a time.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/engine/"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
    [`^.+/node_modules/(${ESM_PACKAGES})/.+\\.js$`]: ["ts-jest", { tsconfig: { allowJs: true, module: "commonjs", target: "es2022", esModuleInterop: true }, diagnostics: false }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES})/)`],
  testEnvironment: "node",
  testTimeout: 60000,
  // Jest's default is one worker less than the cores: one worker on CI's two. Measured on two cores: 1,406 tests in
  // 248 s with two workers, 572 s with one (most suites wait on child processes: the CLI, the policy pack, DuckDB).
  maxWorkers: "100%",
};
