import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type BuiltTarget, dockerfileBuilder, parseDockerfile } from '../support/dockerfile';
import { requireEnv } from '../support/env';
import { historyFixtureKeyring } from '../support/histories';
import { freePort, killHard, waitForExit, waitForOutput, workspaceRoot } from '../support/processes';

/**
 * The Dockerfile's steps, without Docker: a clean copy of the repository (the files git tracks or
 * would track, as the build context holds them), its install and build steps run as written, then
 * an app started from the runtime stage (production dependencies and bundles only) against the
 * local stack, probed with the image's own HEALTHCHECK and stopped with SIGTERM.
 */
const payloadKeys = `${historyFixtureKeyring.activeKeyId}:${Buffer.from(historyFixtureKeyring.keys[historyFixtureKeyring.activeKeyId] as Uint8Array).toString('base64')}`;

const cleanCopy = (to: string): void => {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: workspaceRoot,
    encoding: 'utf8',
  });
  for (const file of listed.stdout.split('\0').filter((path) => path !== '' && existsSync(join(workspaceRoot, path)))) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(workspaceRoot, file), join(to, file));
  }
};

const appEnv = (target: BuiltTarget, extra: Record<string, string>): NodeJS.ProcessEnv => {
  const databaseUrl = requireEnv('DATABASE_URL');
  return {
    PATH: process.env['PATH'],
    ...target.env,
    DATABASE_URL: databaseUrl,
    API_DATABASE_URL: databaseUrl,
    WORKER_DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: requireEnv('TEMPORAL_ADDRESS'),
    KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
    PAYLOAD_KEYS: payloadKeys,
    AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
    AUDIT_HMAC_KEYS: `audit1:${randomBytes(32).toString('base64')}`,
    FACILITY_ID: 'dockerfile-test-facility',
    PATIENT_KEY_SECRETS: `dockerfile-test-facility=${randomBytes(32).toString('base64')}`,
    ...extra,
  };
};

/** The target's CMD as the image would run it (exec form: node itself gets the signals). */
const startTarget = (target: BuiltTarget, env: NodeJS.ProcessEnv) => {
  const [command, ...args] = target.cmd;
  expect(command).toBe('node');
  return spawn(process.execPath, args, { cwd: join(target.root, target.workdir), env, stdio: ['ignore', 'pipe', 'pipe'] });
};

const runHealthcheck = (target: BuiltTarget, env: NodeJS.ProcessEnv): number | null => {
  const [command, ...args] = target.healthcheck ?? [];
  expect(command).toBe('node');
  return spawnSync(process.execPath, args, { cwd: join(target.root, target.workdir), env, timeout: 10_000 }).status;
};

describe('the Dockerfile, step by step without Docker', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'careflow-dockerfile-'));
  const context = join(scratch, 'context');
  let builder: ReturnType<typeof dockerfileBuilder>;

  beforeAll(() => {
    cleanCopy(context);
    builder = dockerfileBuilder(parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8')), context, join(scratch, 'stages'));
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('installs and builds in a clean copy; the runtime holds the bundles and production dependencies only', () => {
    const api = builder.build('api');
    const app = join(api.root, api.workdir);
    expect(api.user).toBe('node');
    for (const bundle of [
      'dist/apps/api/main.js',
      'dist/apps/worker/main.js',
      'dist/apps/worker/workflow-bundle.js',
      'dist/migrate/main.js',
    ]) {
      expect(statSync(join(app, bundle)).size).toBeGreaterThan(0);
    }
    for (const toolchain of ['typescript', 'ts-node', '@swc-node/register', 'esbuild', 'nx', 'jest']) {
      expect({ toolchain, installed: existsSync(join(app, 'node_modules', toolchain)) }).toEqual({ toolchain, installed: false });
    }
    expect(existsSync(join(app, 'apps'))).toBe(false);
    expect(readdirSync(join(app, 'node_modules', '@temporalio', 'core-bridge', 'releases'))).toHaveLength(1);
    const megabytes = (path: string): string => spawnSync('du', ['-sm', path], { encoding: 'utf8' }).stdout.split('\t')[0] ?? '?';
    process.stdout.write(`runtime: ${megabytes(app)} MB, of which node_modules ${megabytes(join(app, 'node_modules'))} MB\n`);
    process.stdout.write(`${builder.runSeconds.map(({ command, seconds }) => `${seconds.toFixed(0)} s  ${command}`).join('\n')}\n`);
  });

  it('starts the api from the runtime stage; its HEALTHCHECK passes and SIGTERM stops it with exit code 0', async () => {
    const api = builder.build('api');
    const env = appEnv(api, { API_PORT: String(await freePort()), API_HOST: '127.0.0.1' });
    const child = startTarget(api, env);
    try {
      await waitForOutput(child, /api listening/, 90_000);
      expect(runHealthcheck(api, env)).toBe(0);
      child.kill('SIGTERM');
      await expect(waitForExit(child)).resolves.toEqual({ code: 0, signal: null });
    } finally {
      await killHard(child);
    }
  });

  it('starts the worker from the runtime stage on its prebuilt workflow bundle; its HEALTHCHECK passes and SIGTERM drains it', async () => {
    const worker = builder.build('worker');
    const env = appEnv(worker, { HEALTH_PORT: String(await freePort()), TEMPORAL_TASK_QUEUE: `dockerfile-${Date.now()}` });
    const child = startTarget(worker, env);
    try {
      // The health server starts once the worker polls and its dependencies were checked.
      await waitForOutput(child, /health listening/, 90_000);
      expect(runHealthcheck(worker, env)).toBe(0);
      const drained = waitForOutput(child, /worker drained/, 60_000);
      child.kill('SIGTERM');
      await drained;
      await expect(waitForExit(child)).resolves.toEqual({ code: 0, signal: null });
    } finally {
      await killHard(child);
    }
  });
});
