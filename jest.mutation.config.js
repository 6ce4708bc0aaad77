/**
 * Jest config for mutation runs only (scripts/mutation.mjs sets MUTATION_TESTS; stryker.config.mjs points here): one project whose
 * testMatch is the few test files that guard the file under mutation, so each mutant runs in seconds.
 */
const path = require('node:path');

const root = __dirname;
const tests = (process.env.MUTATION_TESTS ?? '').split(',').filter(Boolean);
if (tests.length === 0) throw new Error('MUTATION_TESTS is empty: run mutation through `npm run test:mutation`');

module.exports = {
  rootDir: root,
  preset: 'ts-jest',
  testTimeout: 60_000,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleNameMapper: { '^strip-bom$': '<rootDir>/tests/support/strip-bom.ts' },
  testMatch: tests.map((t) => `<rootDir>/${t}`),
};
