/** Workflow level: workflows on the Temporal time-skipping test server, plus replay of recorded histories. */
export default {
  displayName: 'workflow',
  preset: './jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/{apps,libs,workflows,test}/**/*.workflow.spec.ts', '<rootDir>/test/replay/**/*.spec.ts'],
  testTimeout: 180_000,
};
