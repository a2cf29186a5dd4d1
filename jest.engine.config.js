/**
 * The tests that run the real Pulumi engine (test/engine): previews of every stack, a real deploy of the Kafka plane
 * on a local SASL/SCRAM broker, the governance SQL provider against a local Statement Execution API. They share the
 * engine and a broker, so they run one file at a time (npm run test:engine uses --runInBand).
 * @type {import('jest').Config}
 */
module.exports = {
  roots: ["<rootDir>/test/engine"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  testEnvironment: "node",
  testTimeout: 600000,
};
