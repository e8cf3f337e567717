import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { createLogger } from '@careflow/config';
import { AppStatus } from './app-status';
import { exitAfterClosing } from './consumer-app';
import { DependencyHealth } from './dependency-health';
import { serveHealth } from './health-server';

describe('a consumer app whose consumer kafkajs will not restart', () => {
  it('given the fatal crash, when handled, then the app is closed and the process exits with code 1 (so its supervisor restarts it)', async () => {
    const events: string[] = [];
    let closed: () => void = () => undefined;
    const app = { close: () => new Promise<void>((resolve) => (closed = resolve)).then(() => void events.push('closed')) };

    exitAfterClosing(app, (code) => events.push(`exit ${code}`));
    expect(events).toEqual([]);
    closed();
    await new Promise((resolve) => setImmediate(resolve));

    expect(events).toEqual(['closed', 'exit 1']);
  });

  it('given closing the app fails, then it still exits with code 1', async () => {
    const codes: number[] = [];
    exitAfterClosing({ close: () => Promise.reject(new Error('close failed')) }, (code) => codes.push(code));
    await new Promise((resolve) => setImmediate(resolve));

    expect(codes).toEqual([1]);
  });
});

describe('/health and /metrics of an app without an API', () => {
  it('given a reported status and a metric, when fetched, then /health carries the status beside the dependencies and /metrics the metric', async () => {
    const status = new AppStatus();
    status.report('billing', () => ({ lag: 3, stalled: false }));
    new Gauge({ name: 'careflow_test_gauge', help: 'a test gauge', registers: [status.registry] }).set(7);
    const health = { check: async () => ({ status: 'up', dependencies: {} }) };
    const app = { get: (token: unknown) => (token === DependencyHealth ? health : status) } as unknown as INestApplicationContext;

    const server = await serveHealth(app, createLogger('test', 'silent'), { HEALTH_PORT: '0', HEALTH_HOST: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
      const report = await (await fetch(`${base}/health`)).json();
      const metrics = await (await fetch(`${base}/metrics`)).text();

      expect(report).toEqual({ status: 'up', dependencies: {}, billing: { lag: 3, stalled: false } });
      expect(metrics).toContain('careflow_test_gauge 7');
    } finally {
      server?.close();
    }
  });
});
