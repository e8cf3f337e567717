#!/usr/bin/env node
/**
 * Builds one deployable into dist/<name>/: type-checks it with tsc, then bundles it with esbuild into
 * main.js, which starts with plain `node` (no TypeScript at run time). The Nx `build` target of each
 * app (and of libs/event-store, for the migrations) runs this; `npx nx run-many -t build` rebuilds
 * only what changed.
 *
 * Why tsc + esbuild rather than esbuild alone: Nest resolves constructor parameters from decorator
 * metadata, which esbuild does not emit. TypeScript's own transpiler (per file, as ts-node's
 * transpile-only mode did) emits it, and esbuild only bundles the result.
 *
 * The careflow libraries are bundled in; npm packages stay external and come from the production
 * node_modules (native addons, Temporal's webpack and Nest's optional modules cannot be bundled).
 * Temporal's failure converter is loaded by path, so it is built beside main.js; the worker also
 * gets its prebuilt workflow bundle beside it and uses it unless WORKFLOW_BUNDLE_PATH names another.
 *
 * Usage: node infra/build/build-app.js <name> <entry.ts> <tsconfig.json>
 */
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const { readFileSync, rmSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');
const esbuild = require('esbuild');
const ts = require('typescript');

const workspaceRoot = join(__dirname, '..', '..');
const [name, entry, tsconfig] = process.argv.slice(2);
if (!name || !entry || !tsconfig) {
  process.stderr.write('usage: build-app <name> <entry.ts> <tsconfig.json>\n');
  process.exit(2);
}
const outdir = join(workspaceRoot, 'dist', name);
const isWorker = name === 'apps/worker';

const { config } = ts.readConfigFile(join(workspaceRoot, 'tsconfig.base.json'), ts.sys.readFile);
const { options: compilerOptions } = ts.convertCompilerOptionsFromJson(
  { ...config.compilerOptions, sourceMap: false, inlineSourceMap: true, inlineSources: true },
  workspaceRoot,
);

/** Each .ts file through TypeScript's transpiler, so decorator metadata is emitted. */
const typescriptWithMetadata = {
  name: 'typescript-with-decorator-metadata',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: args.path });
      return { contents: outputText, loader: 'js' };
    });
  },
};

/**
 * npm packages stay external; @careflow/* (npm workspaces, linked into node_modules) are bundled.
 * A module named to require.resolve is loaded by path at run time, so it stays a path too.
 */
const npmPackagesExternal = {
  name: 'npm-packages-external',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => (args.kind === 'require-resolve' ? { path: args.path, external: true } : undefined));
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@careflow/') ? undefined : { path: args.path, external: true }));
  },
};

const main = async () => {
  const started = Date.now();
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig, '--noEmit'], {
    cwd: workspaceRoot,
    stdio: 'inherit',
  });
  const typeChecked = Date.now();

  rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: workspaceRoot,
    entryPoints: {
      main: entry,
      'failure-converter': 'libs/temporal/src/failure-converter.ts',
    },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    keepNames: true,
    logLevel: 'warning',
    plugins: [npmPackagesExternal, typescriptWithMetadata],
    ...(isWorker && {
      banner: {
        js: "process.env.WORKFLOW_BUNDLE_PATH ??= require('node:path').join(__dirname, 'workflow-bundle.js');",
      },
    }),
  });
  if (isWorker) {
    // webpack's report is long; it is shown only when bundling fails.
    const bundled = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'apps/worker/src/workflow-bundle.ts', join(outdir, 'workflow-bundle.js')],
      { cwd: workspaceRoot, encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' } },
    );
    if (bundled.status !== 0) throw new Error(`the workflow bundle failed:\n${bundled.stdout}${bundled.stderr}`);
  }
  const size = (file) => `${(statSync(join(outdir, file)).size / 1024).toFixed(0)} KiB`;
  process.stdout.write(
    `${name}: ${relative(workspaceRoot, outdir)}/main.js ${size('main.js')}` +
      (isWorker ? `, workflow-bundle.js ${size('workflow-bundle.js')}` : '') +
      ` (type check ${((typeChecked - started) / 1000).toFixed(1)} s, bundle ${((Date.now() - typeChecked) / 1000).toFixed(1)} s)\n`,
  );
};

main().catch((error) => {
  process.stderr.write(`build of ${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
