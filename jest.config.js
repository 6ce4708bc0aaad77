/** Test layers, each runnable alone: npm run test:unit | test:bot | test:integration | test:e2e */
const base = {
  preset: 'ts-jest',
  // Sized for a loaded machine (CI shares two cores): no test may fail for being slow, only for being wrong.
  testTimeout: 60_000,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // @microsoft/app-manifest requires the ESM-only strip-bom, which jest's CommonJS runtime cannot load.
  moduleNameMapper: { '^strip-bom$': '<rootDir>/tests/support/strip-bom.ts' },
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
    { ...base, displayName: 'bot', testMatch: ['<rootDir>/tests/bot/**/*.test.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/tests/integration/**/*.test.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'] },
  ],
};
