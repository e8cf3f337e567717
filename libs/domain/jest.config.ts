/** Unit tests only: integration, workflow and system tests have their own root configs. */
export default {
  displayName: '@careflow/domain',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['\\.int\\.spec\\.ts$', '\\.workflow\\.spec\\.ts$'],
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/testing/**', '!src/**/index.ts'],
  coverageThreshold: { global: { lines: 95, branches: 95 } },
};
