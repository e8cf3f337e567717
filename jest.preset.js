const { join } = require('node:path');

/**
 * Shared jest settings. ts-jest only transpiles (isolatedModules in tsconfig.spec.json): type checking
 * runs once for the whole repository in `npm run typecheck`, not in every test worker.
 */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: join(__dirname, 'tsconfig.spec.json') }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
