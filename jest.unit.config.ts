/** Unit level: every project's pure specs, no servers. */
export default {
  projects: ['<rootDir>/libs/*/jest.config.ts', '<rootDir>/apps/*/jest.config.ts', '<rootDir>/workflows/jest.config.ts', '<rootDir>/test/jest.config.ts'],
};
