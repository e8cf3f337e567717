/** Integration level: one component against its real server (PostgreSQL, Kafka, Temporal dev server). */
export default {
  displayName: 'integration',
  preset: './jest.preset.js',
  rootDir: '.',
  setupFiles: ['<rootDir>/test/support/quiet-temporal.ts'],
  testMatch: ['<rootDir>/{apps,libs,workflows,test}/**/*.int.spec.ts'],
  testTimeout: 120_000,
};
