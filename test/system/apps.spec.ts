import { randomBytes } from 'node:crypto';
import { localTokenDefaults, mintLocalToken } from '@careflow/auth';
import { requireEnv } from '../support/env';
import { historyFixtureKeyring } from '../support/histories';
import { freePort, killHard, startBuiltApp, startTypeScriptProcess, waitForExit, waitForOutput } from '../support/processes';

const payloadKeys = `${historyFixtureKeyring.activeKeyId}:${Buffer.from(historyFixtureKeyring.keys[historyFixtureKeyring.activeKeyId] as Uint8Array).toString('base64')}`;

const apps = ['api', 'worker', 'relay', 'billing', 'reporting', 'notices'];
const databaseUrlVariable = (app: string): string => `${app.toUpperCase()}_DATABASE_URL`;

/** What a deployed app gets: its own database URL only, never the owner's. */
const appEnv = (app: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env['PATH'],
  [databaseUrlVariable(app)]: requireEnv(databaseUrlVariable(app)),
  TEMPORAL_ADDRESS: requireEnv('TEMPORAL_ADDRESS'),
  KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
  PAYLOAD_KEYS: payloadKeys,
  AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
  // The relay's one facility and its patient-key secret (the notices' facility too); the other apps ignore them.
  FACILITY_ID: 'facility-under-test',
  PATIENT_KEY_SECRETS: `facility-under-test=${randomBytes(32).toString('base64')}`,
  // The api's audit trail key.
  AUDIT_HMAC_KEYS: `audit1:${randomBytes(32).toString('base64')}`,
  // The notices' endpoint: port 9 (discard) on loopback, where nothing listens, so no notice leaves the process.
  NOTICES_ENDPOINT_URL: 'http://127.0.0.1:9/fhir/Communication',
  LOG_LEVEL: 'info',
  ...extra,
});

describe('the apps as processes', () => {
  it('api reports PostgreSQL, Temporal and Kafka up with their latency to a signed-in caller, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const secret = randomBytes(32).toString('base64url');
    const api = startBuiltApp('api', appEnv('api', { API_PORT: String(port), AUTH_JWT_SECRET: secret }));
    try {
      await waitForOutput(api, /api listening/, 90_000);
      const anonymous = await fetch(`http://127.0.0.1:${port}/health`);
      expect(await anonymous.json()).toEqual({ status: 'up' });
      const token = await mintLocalToken({
        secret,
        issuer: localTokenDefaults.issuer,
        audience: localTokenDefaults.audience,
        principal: { userId: 'u-ops', role: 'admin', departments: [] },
        lifetimeSeconds: 60,
      });
      const response = await fetch(`http://127.0.0.1:${port}/health`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { status: string; dependencies: Record<string, { status: string; latencyMs: number }> };
      expect(response.status).toBe(200);
      expect(body.status).toBe('up');
      for (const name of ['postgres', 'temporal', 'kafka']) {
        expect(body.dependencies[name]).toEqual({ status: 'up', latencyMs: expect.any(Number) });
      }
      api.kill('SIGTERM');
      await expect(waitForExit(api)).resolves.toEqual({ code: 0, signal: null });
    } finally {
      await killHard(api);
    }
  });

  it('api reports a server that is down as down, with 503', async () => {
    const port = await freePort();
    const nobody = await freePort();
    const secret = randomBytes(32).toString('base64url');
    const api = startBuiltApp(
      'api',
      appEnv('api', { API_PORT: String(port), KAFKA_BROKERS: `127.0.0.1:${nobody}`, AUTH_JWT_SECRET: secret }),
    );
    try {
      await waitForOutput(api, /api listening/, 90_000);
      const token = await mintLocalToken({
        secret,
        issuer: localTokenDefaults.issuer,
        audience: localTokenDefaults.audience,
        principal: { userId: 'u-ops', role: 'admin', departments: [] },
        lifetimeSeconds: 60,
      });
      const response = await fetch(`http://127.0.0.1:${port}/health`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { status: string; dependencies: Record<string, { status: string; error?: string }> };
      expect(response.status).toBe(503);
      expect(body.dependencies['kafka']?.status).toBe('down');
      expect(body.dependencies['postgres']?.status).toBe('up');
    } finally {
      api.kill('SIGTERM');
      await waitForExit(api);
    }
  });

  it.each(apps)('%s refuses to start with one line naming its missing database variable', async (app) => {
    // The shared DATABASE_URL and the owner's URL are there: an app must not fall back to either.
    const { [databaseUrlVariable(app)]: _missing, ...rest } = appEnv(app, {
      API_PORT: '0',
      DATABASE_URL: requireEnv('DATABASE_URL'),
      MIGRATION_DATABASE_URL: requireEnv('MIGRATION_DATABASE_URL'),
    });
    const child = startBuiltApp(app, rest);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expect(waitForExit(child)).resolves.toEqual({ code: 1, signal: null });
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${databaseUrlVariable(app)} is missing`);
  });

  it('the migration step refuses to run as a superuser, and runs as the schema owner', async () => {
    const migrationEnv = (url: string): NodeJS.ProcessEnv => ({
      PATH: process.env['PATH'],
      MIGRATION_DATABASE_URL: url,
      ...Object.fromEntries(apps.map((app) => [databaseUrlVariable(app), requireEnv(databaseUrlVariable(app))])),
    });
    const run = async (url: string) => {
      const child = startTypeScriptProcess('libs/event-store/src/migrate-cli.ts', [], migrationEnv(url));
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const { code } = await waitForExit(child);
      return { code, output };
    };
    const asSuperuser = await run(requireEnv('SUPERUSER_DATABASE_URL'));
    expect(asSuperuser.code).toBe(1);
    expect(asSuperuser.output).toContain('MIGRATION_DATABASE_URL is a superuser');
    const asOwner = await run(requireEnv('MIGRATION_DATABASE_URL'));
    expect(asOwner).toEqual({ code: 0, output: expect.stringMatching(/careflow migrate: (schema is current|applied)/) });
  });

  it.each(['worker', 'relay', 'billing', 'reporting', 'notices'])('%s answers /health on HEALTH_PORT for container probes', async (app) => {
    const port = await freePort();
    const child = startBuiltApp(app, appEnv(app, { HEALTH_PORT: String(port), TEMPORAL_TASK_QUEUE: `health-${Date.now()}` }));
    try {
      await waitForOutput(child, /health listening/, 90_000);
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      const body = (await response.json()) as { status: string; dependencies: Record<string, { status: string }> };
      expect(response.status).toBe(200);
      expect(body.status).toBe('up');
      expect(Object.keys(body.dependencies).length).toBeGreaterThan(0);
      expect((await fetch(`http://127.0.0.1:${port}/anything-else`)).status).toBe(404);
      child.kill('SIGTERM');
      await expect(waitForExit(child)).resolves.toEqual({ code: 0, signal: null });
    } finally {
      await killHard(child);
    }
  });

  it('worker drains and exits on SIGTERM', async () => {
    const worker = startBuiltApp('worker', appEnv('worker', { TEMPORAL_TASK_QUEUE: `drain-${Date.now()}` }));
    try {
      await waitForOutput(worker, /worker polling/, 120_000);
      const drained = waitForOutput(worker, /worker drained/, 60_000);
      worker.kill('SIGTERM');
      await drained;
      await expect(waitForExit(worker)).resolves.toEqual({ code: 0, signal: null });
    } finally {
      await killHard(worker);
    }
  });
});
