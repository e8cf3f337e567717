/** System level: the whole stack (api, worker, relay, consumers) as real processes, built as they ship, including fault injection. */
export default {
  displayName: 'system',
  preset: './jest.preset.js',
  rootDir: '.',
  globalSetup: '<rootDir>/test/support/build-apps.ts',
  setupFiles: ['<rootDir>/test/support/quiet-temporal.ts'],
  testMatch: ['<rootDir>/test/system/**/*.spec.ts', '<rootDir>/test/chaos/**/*.spec.ts'],
  testTimeout: 600_000,
};
