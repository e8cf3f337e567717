import { randomBytes } from 'node:crypto';
import { requireEnv } from '../support/env';
import { historyFixtureKeyring } from '../support/histories';
import { freePort, killHard, startBuiltApp, waitForExit, waitForOutput } from '../support/processes';

const payloadKeys = `${historyFixtureKeyring.activeKeyId}:${Buffer.from(historyFixtureKeyring.keys[historyFixtureKeyring.activeKeyId] as Uint8Array).toString('base64')}`;

const appEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env['PATH'],
  DATABASE_URL: requireEnv('DATABASE_URL'),
  TEMPORAL_ADDRESS: requireEnv('TEMPORAL_ADDRESS'),
  KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
  PAYLOAD_KEYS: payloadKeys,
  AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
  LOG_LEVEL: 'info',
  ...extra,
});

describe('the apps as processes', () => {
  it('api reports PostgreSQL, Temporal and Kafka up with their latency, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const api = startBuiltApp('api', appEnv({ API_PORT: String(port) }));
    try {
      await waitForOutput(api, /api listening/, 90_000);
      const response = await fetch(`http://127.0.0.1:${port}/health`);
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
    const api = startBuiltApp('api', appEnv({ API_PORT: String(port), KAFKA_BROKERS: `127.0.0.1:${nobody}` }));
    try {
      await waitForOutput(api, /api listening/, 90_000);
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      const body = (await response.json()) as { status: string; dependencies: Record<string, { status: string; error?: string }> };
      expect(response.status).toBe(503);
      expect(body.dependencies['kafka']?.status).toBe('down');
      expect(body.dependencies['postgres']?.status).toBe('up');
    } finally {
      api.kill('SIGTERM');
      await waitForExit(api);
    }
  });

  it.each(['api', 'worker', 'relay', 'billing', 'reporting'])('%s refuses to start with one line naming a missing variable', async (app) => {
    const { DATABASE_URL: _missing, ...rest } = appEnv({ API_PORT: '0' });
    const child = startBuiltApp(app, rest);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expect(waitForExit(child)).resolves.toEqual({ code: 1, signal: null });
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('DATABASE_URL is missing');
  });

  it.each(['worker', 'relay', 'billing', 'reporting'])('%s answers /health on HEALTH_PORT for container probes', async (app) => {
    const port = await freePort();
    const child = startBuiltApp(app, appEnv({ HEALTH_PORT: String(port), TEMPORAL_TASK_QUEUE: `health-${Date.now()}` }));
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
    const worker = startBuiltApp('worker', appEnv({ TEMPORAL_TASK_QUEUE: `drain-${Date.now()}` }));
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
