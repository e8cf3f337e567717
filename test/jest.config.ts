/** Cross-project unit-level checks (e.g. lint rules proven on fixtures). */
export default {
  displayName: 'cross-project',
  preset: '../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/lint/**/*.spec.ts'],
};
