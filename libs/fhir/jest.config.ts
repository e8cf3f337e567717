/** Unit tests only: integration, workflow and system tests have their own root configs. */
export default {
  displayName: '@careflow/fhir',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['\\.int\\.spec\\.ts$', '\\.workflow\\.spec\\.ts$'],
};
