/**
 * The tests that run the real Pulumi engine (test/engine): previews of stacks, a real deploy of the Kafka plane on a
 * local SASL/SCRAM broker, the governance SQL provider against a local Statement Execution API. They share the engine
 * and a broker, so they run one file at a time (--runInBand).
 *
 * `npm test` (CI, whose whole run must stay well under 30 minutes) runs what proves the engine integration: one
 * platform and one domain stack of each environment previewed with the policy pack and compared with the offline plan
 * (preview-stacks: dev-platform, dev core-business, prod-platform, prod core-business), the governance SQL provider
 * under the engine (sql-provider) and the real deploy of a domain's Kafka plane (kafka-deploy). `npm run
 * test:engine:all` (LAKEMESH_ENGINE_ALL=1) previews all 14 stacks. The measured times are in README.md, Development.
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
