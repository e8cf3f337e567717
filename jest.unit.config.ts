/**
 * Unit level: every project's pure specs, no servers. Coverage thresholds are global in jest's
 * multi-project mode, so the domain's (95 % of lines and branches) is stated here.
 */
export default {
  projects: [
    '<rootDir>/libs/*/jest.config.ts',
    '<rootDir>/apps/*/jest.config.ts',
    '<rootDir>/workflows/jest.config.ts',
    '<rootDir>/test/jest.config.ts',
  ],
  coverageReporters: ['text-summary', 'json-summary'],
  coverageThreshold: {
    './libs/domain/src/': { lines: 95, branches: 95 },
  },
};
