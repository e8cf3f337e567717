import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, workspaceRoot } from './processes';

const run = promisify(execFile);

export interface PrivateBroker {
  /** host:port of the broker. */
  readonly brokers: string;
  stop(): Promise<unknown>;
  start(): Promise<unknown>;
  remove(): Promise<void>;
}

/**
 * A Kafka broker of the test's own (the stack's scripts, other ports, its own state directory), for
 * tests that stop the broker: the shared broker is never stopped, other suites run on it.
 */
export const privateBroker = async (label: string): Promise<PrivateBroker> => {
  const [port, controllerPort] = [await freePort(), await freePort()];
  const stateHome = mkdtempSync(join(tmpdir(), `${label}-broker-`));
  const { KAFKA_BROKERS: _shared, ...inherited } = process.env;
  const env = {
    ...inherited,
    XDG_STATE_HOME: stateHome,
    CAREFLOW_KAFKA_PORT: String(port),
    CAREFLOW_KAFKA_CONTROLLER_PORT: String(controllerPort),
  };
  const stack = (command: 'up' | 'down') =>
    run('bash', [join(workspaceRoot, 'infra/local/stack'), command, 'kafka'], { env, timeout: 180_000 });
  await stack('up');
  return {
    brokers: `127.0.0.1:${port}`,
    stop: () => stack('down'),
    start: () => stack('up'),
    remove: async () => {
      await stack('down').catch(() => undefined);
      rmSync(stateHome, { recursive: true, force: true });
    },
  };
};
