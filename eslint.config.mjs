import nx from '@nx/eslint-plugin';
import importPlugin from 'eslint-plugin-import';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Imports a workflow or the domain may never make: they must stay deterministic and free of IO. */
const forbiddenInDeterministicCode = (what) => ({
  paths: nodeBuiltins.map((name) => ({ name, message: `${what} may not use Node built-ins (IO, clock, randomness).` })),
  patterns: [
    { group: ['@nestjs/*'], message: `${what} may not import Nest.` },
    {
      group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
      message: `${what} may import only @temporalio/workflow from the Temporal SDK.`,
    },
    { group: ['postgres', 'kafkajs', 'pino'], message: `${what} may not do IO.` },
  ],
});

/**
 * Nx module boundaries (docs/architecture.md): the domain depends on nothing but its schema library (zod: pure,
 * no IO), workflows only on domain and contracts, no project on an app. Specs may additionally use
 * the test libraries.
 */
const schemaLibrary = ['zod'];
/** Compiles the JSON Schema zod generates, for the messages' fast check (libs/contracts/src/exact-conformance.ts); never in workflows. */
const messageValidator = ['ajv/dist/2020'];
/** Pure, and carries its own time-zone database, so replay decides the same on any Node version. */
const calendarLibrary = ['@js-joda/core', '@js-joda/timezone'];
/** Seeded randomness, charts rendered in Node, and the progress bar of `npm run simulate`. */
const simulationLibraries = ['pure-rand', 'vega', 'vega-lite', '@resvg/resvg-js', 'cli-progress'];
const moduleBoundaries = (testImports) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      {
        sourceTag: 'type:domain',
        onlyDependOnLibsWithTags: [],
        allowedExternalImports: [...schemaLibrary, ...calendarLibrary, ...testImports],
      },
      {
        sourceTag: 'type:contracts',
        onlyDependOnLibsWithTags: ['type:domain'],
        allowedExternalImports: ['@temporalio/workflow', '@temporalio/common', ...schemaLibrary, ...messageValidator, ...testImports],
      },
      {
        sourceTag: 'type:workflows',
        onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'],
        allowedExternalImports: ['@temporalio/workflow', '@temporalio/common', ...schemaLibrary],
      },
      {
        // libs/fhir: pure mapping between the domain's records and FHIR R4 (types only from @types/fhir).
        sourceTag: 'type:mapping',
        onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'],
      },
      {
        // The capacity simulator (docs/simulation.md): the domain and nothing else of ours; its charts and CLI libraries.
        sourceTag: 'type:simulation',
        onlyDependOnLibsWithTags: ['type:domain'],
        allowedExternalImports: [...schemaLibrary, ...simulationLibraries, ...nodeBuiltins, ...testImports],
      },
      { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
      {
        sourceTag: 'type:data-access',
        onlyDependOnLibsWithTags: ['type:util', 'type:data-access', 'type:domain', 'type:contracts', 'type:mapping'],
      },
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: ['type:util', 'type:data-access', 'type:domain', 'type:contracts', 'type:mapping', 'type:workflows'],
      },
      {
        // Cross-app tests drive the apps themselves.
        sourceTag: 'type:test',
        onlyDependOnLibsWithTags: [
          'type:util',
          'type:data-access',
          'type:domain',
          'type:contracts',
          'type:mapping',
          'type:workflows',
          'type:app',
          'type:simulation',
        ],
      },
      { sourceTag: 'scope:care', onlyDependOnLibsWithTags: ['scope:care', 'scope:shared'] },
      { sourceTag: 'scope:billing', onlyDependOnLibsWithTags: ['scope:billing', 'scope:care', 'scope:shared'] },
      { sourceTag: 'scope:reporting', onlyDependOnLibsWithTags: ['scope:reporting', 'scope:care', 'scope:shared'] },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:care'] },
      // Cross-app tests follow an event from the care apps through billing and reporting.
      { sourceTag: 'scope:tests', onlyDependOnLibsWithTags: ['scope:shared', 'scope:care', 'scope:billing', 'scope:reporting'] },
    ],
  },
];
const testOnlyImports = ['fast-check'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/coverage', '.nx', 'test/lint-fixtures/**', 'test/bench/results/**'],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import/no-cycle': ['error', { maxDepth: 10 }],
      '@nx/enforce-module-boundaries': moduleBoundaries([]),
    },
  },
  {
    files: ['**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(testOnlyImports) },
  },
  {
    files: ['libs/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', forbiddenInDeterministicCode('The domain')] },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', forbiddenInDeterministicCode('Workflow code')] },
  },
  {
    // The FHIR mapping does no IO; it hashes names into resource ids with node:crypto (docs/fhir.md).
    files: ['libs/fhir/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/fhir/src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins
            .filter((name) => name !== 'crypto' && name !== 'node:crypto')
            .map((name) => ({ name, message: 'The FHIR mapping does no IO.' })),
          patterns: [{ group: ['@nestjs/*', '@temporalio/*', 'postgres', 'kafkajs', 'pino'], message: 'The FHIR mapping does no IO.' }],
        },
      ],
    },
  },
  {
    // Workflow time (Date.now) is deterministic inside Temporal's sandbox; the domain has no clock at all.
    files: ['libs/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'The domain has no timers; due dates live in state.' }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'No randomness here: ids arrive inside the command.' },
        { object: 'Date', property: 'now', message: 'Time arrives inside the command; do not read the clock here.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Time arrives inside the command; do not read the clock here.',
        },
      ],
    },
  },
  {
    // The engine is seeded and runs on a virtual clock; only the CLI (bin/) reads the real one.
    files: ['libs/simulation/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Draw from the seeded Random of src/random.ts.' },
        { object: 'Date', property: 'now', message: 'The simulation runs on its virtual clock.' },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow for ids.' },
      ],
    },
  },
];
