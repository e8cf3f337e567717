import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Global setup of the system level: builds every app (Nx rebuilds only what changed since the last
 * build), so the system tests run the bundles that ship, not the TypeScript sources.
 */
export default (): void => {
  const workspaceRoot = join(__dirname, '..', '..');
  const build = spawnSync(
    join(workspaceRoot, 'node_modules', '.bin', 'nx'),
    ['run-many', '-t', 'build', '--parallel=2', '--outputStyle=static'],
    {
      cwd: workspaceRoot,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    },
  );
  if (build.status !== 0) throw new Error(`building the apps failed:\n${build.stdout}${build.stderr}`);
};
