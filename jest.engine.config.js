/**
 * The tests that run the real Pulumi engine (test/engine): previews of stacks, a real deploy of the Kafka plane on a
 * local SASL/SCRAM broker, the governance SQL provider against a local Statement Execution API. They share the engine
 * and a broker, so they run one file at a time (--runInBand).
 *
 * `npm test` (and so CI) runs all of them: every stack (14) previewed with the policy pack and compared with the
 * offline plan (preview-stacks), the governance SQL provider under the engine (sql-provider) and the real deploy of a
 * domain's Kafka plane (kafka-deploy). `npm run test:engine:quick` (LAKEMESH_ENGINE_SUBSET=1) previews four stacks
 * (dev-platform, dev core-business, prod-platform, prod core-business). The measured times are in README.md,
 * Development.
 * @type {import('jest').Config}
 */
module.exports = {
  roots: ["<rootDir>/test/engine"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  testEnvironment: "node",
  testTimeout: 600000,
};
