/** @type {import('jest').Config} */
module.exports = {
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // The real-engine tests run apart (npm run test:engine, jest.engine.config.js): minutes, a broker, one at a time.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/engine/"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  testEnvironment: "node",
  testTimeout: 60000,
};
