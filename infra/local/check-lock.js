#!/usr/bin/env node
/**
 * Checks package-lock.json against the package.json files, without network and without node_modules
 * being installed from it:
 * - drift: each workspace's (and the root's) declared dependencies are the ones the lock recorded,
 *   and each is in the lock;
 * - platforms: every optional dependency of every locked package (the native builds of @swc/core,
 *   esbuild, nx, … for macOS, Windows and Linux glibc/musl) is in the lock, so `npm ci` installs on
 *   any of them. npm 10 drops other platforms' builds when it writes the lock over an installed tree;
 *   infra/local/refresh-lock writes it without one.
 *
 * Usage: node infra/local/check-lock.js [directory holding package.json and package-lock.json]
 * Exits 1 and names each problem when the lock does not fit.
 */
'use strict';
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join, posix } = require('node:path');

const dependencyFields = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** Where npm would find `name` from a package at `location`: its own node_modules, then each parent's. */
const resolveIn = (packages, location, name) => {
  let from = location;
  for (;;) {
    const candidate = from === '' ? `node_modules/${name}` : `${from}/node_modules/${name}`;
    if (packages[candidate]) return { location: candidate, entry: packages[candidate] };
    if (from === '') return undefined;
    const parent = from.lastIndexOf('/node_modules/');
    from = parent === -1 ? '' : from.slice(0, parent);
  }
};

const followLink = (packages, found) =>
  found && found.entry.link ? { location: found.entry.resolved, entry: packages[found.entry.resolved] } : found;

const sameDependencies = (declared = {}, locked = {}) =>
  JSON.stringify(Object.entries(declared).sort()) === JSON.stringify(Object.entries(locked).sort());

const checkLock = (root) => {
  const problems = [];
  const manifest = readJson(join(root, 'package.json'));
  const lock = readJson(join(root, 'package-lock.json'));
  const packages = lock.packages ?? {};
  if (lock.lockfileVersion !== 3) problems.push(`lockfileVersion is ${lock.lockfileVersion}, expected 3`);

  const workspaceDirs = [];
  for (const pattern of manifest.workspaces ?? []) {
    const parent = pattern.endsWith('/*') ? pattern.slice(0, -2) : undefined;
    const dirs = parent
      ? readdirSync(join(root, parent), { withFileTypes: true })
          .filter((d) => d.isDirectory() && existsSync(join(root, parent, d.name, 'package.json')))
          .map((d) => posix.join(parent, d.name))
      : [pattern];
    workspaceDirs.push(...dirs);
  }

  for (const location of ['', ...workspaceDirs]) {
    const declared = readJson(join(root, location, 'package.json'));
    const locked = packages[location];
    const label = location === '' ? 'package.json' : `${location}/package.json`;
    if (!locked) {
      problems.push(`${label} is not in the lock file`);
      continue;
    }
    for (const field of dependencyFields) {
      if (!sameDependencies(declared[field], locked[field])) {
        problems.push(`${label} ${field} differ from the lock file`);
      }
    }
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
      for (const name of Object.keys(declared[field] ?? {})) {
        const found = followLink(packages, resolveIn(packages, location, name));
        if (!found?.entry && field !== 'optionalDependencies') problems.push(`${label}: ${name} is not in the lock file`);
      }
    }
  }

  let nativeBuilds = 0;
  for (const [location, entry] of Object.entries(packages)) {
    if (!location.includes('node_modules/') || entry.link) continue;
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      const found = resolveIn(packages, location, name);
      if (!found) {
        problems.push(
          `${name} (optional dependency of ${location.slice(location.lastIndexOf('node_modules/') + 13)}) is missing from the lock file`,
        );
      } else if (found.entry.os || found.entry.cpu) {
        nativeBuilds += 1;
      }
    }
  }
  return { problems: [...new Set(problems)], nativeBuilds };
};

module.exports = { checkLock };

if (require.main === module) {
  const root = process.argv[2] ?? join(__dirname, '..', '..');
  const { problems, nativeBuilds } = checkLock(root);
  if (problems.length > 0) {
    process.stderr.write(`package-lock.json does not fit package.json; run infra/local/refresh-lock:\n  ${problems.join('\n  ')}\n`);
    process.exit(1);
  }
  process.stdout.write(`package-lock.json fits package.json and carries ${nativeBuilds} platform-specific builds\n`);
}
