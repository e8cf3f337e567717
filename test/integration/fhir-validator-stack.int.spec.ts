import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '../support/processes';

/** `infra/local/stack` and the FHIR validator component (docs/fhir.md): clear one-line refusals, and its URL in `env`. */
describe('local stack: fhir-validator', () => {
  let server: Server;
  let takenPort: number;
  const state = mkdtempSync(join(tmpdir(), 'careflow-stack-fhir-'));

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    takenPort = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    if (server.listening) await new Promise((resolve) => server.close(resolve));
    rmSync(state, { recursive: true, force: true });
  });

  const stack = (args: string[], env: Record<string, string>) => {
    const { FHIR_VALIDATOR_URL: _url, ...inherited } = process.env;
    return spawnSync(join(workspaceRoot, 'infra', 'local', 'stack'), args, {
      env: { ...inherited, XDG_STATE_HOME: state, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  };

  it('exports FHIR_VALIDATOR_URL for the port it is given', () => {
    const run = stack(['env'], { CAREFLOW_FHIR_VALIDATOR_PORT: '18287' });
    expect(run.stdout).toContain('export FHIR_VALIDATOR_URL=http://127.0.0.1:18287\n');
  });

  it('names the component and port when its port is taken by another process', () => {
    const run = stack(['up', 'fhir-validator'], { CAREFLOW_FHIR_VALIDATOR_PORT: String(takenPort) });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`careflow stack: port ${takenPort} (fhir-validator) is already in use by another process\n`);
  });

  it('names the variable when a validator of your own does not answer, and starts nothing', async () => {
    await new Promise((resolve) => server.close(resolve));
    const url = `http://127.0.0.1:${takenPort}`;
    const run = stack(['up', 'fhir-validator'], { FHIR_VALIDATOR_URL: url });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`careflow stack: FHIR_VALIDATOR_URL ${url} does not answer GET /health\n`);
    expect(stack(['status'], { FHIR_VALIDATOR_URL: url }).stdout).toMatch(/^fhir-validator +unreachable +FHIR_VALIDATOR_URL$/m);
  });
});
