import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const workspaceRoot = join(__dirname, '..', '..');

/** Starts a TypeScript entry point as its own Node process (transpile-only, like the apps run locally). */
export const startTypeScriptProcess = (entry: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ChildProcess =>
  spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(workspaceRoot, entry), ...args], {
    cwd: workspaceRoot,
    env: { ...env, TS_NODE_PROJECT: join(workspaceRoot, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/**
 * Starts an app as it ships: its bundle (dist/apps/<app>/main.js, built by the system level's global
 * setup) run by plain node, without any TypeScript at run time.
 */
export const startBuiltApp = (app: string, env: NodeJS.ProcessEnv = process.env): ChildProcess =>
  spawn(process.execPath, [join(workspaceRoot, 'dist', 'apps', app, 'main.js')], {
    cwd: workspaceRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** Resolves when the process prints a line matching `pattern`; rejects if it exits or the deadline passes. */
export const waitForOutput = (child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<void> =>
  new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`process did not print ${String(pattern)} within ${timeoutMs} ms; output so far:\n${seen}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      reject(new Error(`process exited (code ${String(code)}, signal ${String(signal)}) before ${String(pattern)}:\n${seen}`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
  });

export const waitForExit = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve({ code: child.exitCode, signal: child.signalCode })
    : new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

/** SIGKILLs the process; true when it was still running, false when it had already gone. */
export const killHard = async (child: ChildProcess): Promise<boolean> => {
  if (child.exitCode !== null || child.signalCode !== null) return false;
  child.kill('SIGKILL');
  const { signal } = await waitForExit(child);
  return signal === 'SIGKILL';
};

/** A loopback port nobody listens on right now (for a server the test starts itself). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
