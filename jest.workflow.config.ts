/** Workflow level: workflows on the Temporal time-skipping test server, plus replay of recorded histories. */
export default {
  displayName: 'workflow',
  preset: './jest.preset.js',
  rootDir: '.',
  setupFiles: ['<rootDir>/test/support/quiet-temporal.ts'],
  testMatch: ['<rootDir>/{apps,libs,workflows,test}/**/*.workflow.spec.ts', '<rootDir>/test/replay/**/*.spec.ts'],
  testTimeout: 180_000,
};
