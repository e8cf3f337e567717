import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface LockCheck {
  checkLock: (root: string) => { problems: string[]; nativeBuilds: number };
}
// A plain Node script, so a fresh clone can run it before any install.
const { checkLock } = require('../../infra/local/check-lock.js') as LockCheck;

const workspaceRoot = join(__dirname, '..', '..');
type Json = Record<string, unknown>;
const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;

/** A copy of the repository's package.json files and lock, changed by `change`, checked. */
const checkChangedCopy = (change: (copy: { manifest: Json; lock: { packages: Record<string, Json> } }) => void): string[] => {
  const dir = mkdtempSync(join(tmpdir(), 'careflow-lock-'));
  try {
    const manifest = readJson(join(workspaceRoot, 'package.json'));
    const lock = readJson(join(workspaceRoot, 'package-lock.json')) as { packages: Record<string, Json> };
    for (const workspace of Object.keys(lock.packages).filter((location) => location !== '' && !location.includes('node_modules/'))) {
      cpSync(join(workspaceRoot, workspace, 'package.json'), join(dir, workspace, 'package.json'));
    }
    change({ manifest, lock });
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
    return checkLock(dir).problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('package-lock.json', () => {
  it('fits package.json and carries the native builds of every platform the tools publish', () => {
    const { problems, nativeBuilds } = checkLock(workspaceRoot);
    expect(problems).toEqual([]);
    expect(nativeBuilds).toBeGreaterThan(50);
  });

  it.each(['@swc/core-darwin-arm64', '@esbuild/win32-x64', '@nx/nx-linux-arm64-musl'])(
    'is refused when it lacks %s, as npm 10 leaves it over an installed tree',
    (platformPackage) => {
      const problems = checkChangedCopy(({ lock }) => {
        delete lock.packages[`node_modules/${platformPackage}`];
      });
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^${platformPackage} \\(optional dependency of .+\\) is missing`))]);
    },
  );

  it('is refused when package.json declares a dependency the lock does not know', () => {
    const problems = checkChangedCopy(({ manifest }) => {
      manifest['dependencies'] = { ...(manifest['dependencies'] as Json), 'left-pad': '1.3.0' };
    });
    expect(problems).toEqual(['package.json dependencies differ from the lock file', 'package.json: left-pad is not in the lock file']);
  });

  it('is refused when a range in package.json changed since the lock was written', () => {
    const problems = checkChangedCopy(({ manifest }) => {
      manifest['devDependencies'] = { ...(manifest['devDependencies'] as Json), jest: '^30.0.0' };
    });
    expect(problems).toEqual(['package.json devDependencies differ from the lock file']);
  });
});
