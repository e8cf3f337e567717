import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '../support/processes';

/** `infra/local/stack` refuses clearly, in one line, instead of hanging or half-starting. */
describe('local stack errors', () => {
  let server: Server;
  let takenPort: number;
  const state = mkdtempSync(join(tmpdir(), 'careflow-stack-errors-'));

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    takenPort = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(state, { recursive: true, force: true });
  });

  const stack = (args: string[], env: Record<string, string>) => {
    const { DATABASE_URL: _d, TEMPORAL_ADDRESS: _t, KAFKA_BROKERS: _k, ...inherited } = process.env;
    return spawnSync(join(workspaceRoot, 'infra', 'local', 'stack'), args, {
      env: { ...inherited, XDG_STATE_HOME: state, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  };

  it('names the component and port when its port is taken by another process', () => {
    const run = stack(['up', 'postgres'], { CAREFLOW_PG_PORT: String(takenPort) });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`careflow stack: port ${takenPort} (postgres) is already in use by another process\n`);
  });

  it('names the variable when a configured server cannot be reached, and starts nothing', () => {
    server.close();
    const run = stack(['up', 'temporal'], { TEMPORAL_ADDRESS: `127.0.0.1:${takenPort}` });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`careflow stack: TEMPORAL_ADDRESS 127.0.0.1:${takenPort} is not reachable\n`);
  });
});
