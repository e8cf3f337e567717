/** Unit tests only: the equivalence with the real workflow is a workflow-level test (test/workflow). */
export default {
  displayName: '@careflow/simulation',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['\\.int\\.spec\\.ts$', '\\.workflow\\.spec\\.ts$'],
};
