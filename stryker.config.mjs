// Mutation testing, one source file per run: scripts/mutation.mjs passes the file (--mutate) and the
// tests that guard it (MUTATION_TESTS, read by jest.mutation.config.js). Not part of `npm test`.
const name = process.env.MUTATION_NAME ?? 'mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  // Two cores shared with other work: one test process at a time.
  concurrency: 1,
  // A mutant that loops forever is detected once it runs this much past the normal time (timeoutFactor × it + this).
  timeoutMS: 10_000,
  timeoutFactor: 3,
  reporters: ['clear-text', 'json', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: 'always',
  ignorePatterns: ['dist', 'coverage', 'reports', 'test-artifacts', 'data', '.playground', 'appPackage/build'],
  thresholds: { high: 90, low: 80, break: null },
};
