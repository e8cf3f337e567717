import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, workspaceRoot } from './processes';

const run = promisify(execFile);

export type StackComponent = 'postgres' | 'temporal' | 'kafka';

export interface PrivateStack {
  /** What `infra/local/stack env` prints for this stack: the database URLs, TEMPORAL_ADDRESS, KAFKA_BROKERS. */
  readonly env: Readonly<Record<string, string>>;
  /** The state directory every server of this stack names on its command line (data, logs, pid files). */
  readonly stateDir: string;
  up(component: StackComponent): Promise<unknown>;
  down(component: StackComponent): Promise<unknown>;
  remove(): Promise<void>;
}

/**
 * PostgreSQL, the Temporal dev server and a Kafka broker of the test's own: the stack's scripts with
 * other ports and a state directory of its own, so a test may stop and restart them while other
 * suites go on using the shared stack (which is never stopped).
 */
export const privateStack = async (label: string): Promise<PrivateStack> => {
  const ports = {
    CAREFLOW_PG_PORT: await freePort(),
    CAREFLOW_TEMPORAL_PORT: await freePort(),
    CAREFLOW_TEMPORAL_UI_PORT: await freePort(),
    CAREFLOW_KAFKA_PORT: await freePort(),
    CAREFLOW_KAFKA_CONTROLLER_PORT: await freePort(),
  };
  const stateHome = mkdtempSync(join(tmpdir(), `${label}-stack-`));
  // The shared stack's addresses would make `stack` only check them: leave every one of them out.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/_DATABASE_URL$|^DATABASE_URL$|^TEMPORAL_ADDRESS$|^TEMPORAL_UI_URL$|^KAFKA_BROKERS$/.test(name),
    ),
  );
  const stackEnv = {
    ...inherited,
    XDG_STATE_HOME: stateHome,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  };
  const stack = (...args: string[]) =>
    run('bash', [join(workspaceRoot, 'infra/local/stack'), ...args], { env: stackEnv, timeout: 240_000, maxBuffer: 4_000_000 });
  await stack('up', 'postgres', 'temporal', 'kafka');
  const { stdout } = await stack('env');
  const env: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) env[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
  }
  return {
    env,
    stateDir: stateHome,
    up: (component) => stack('up', component),
    down: (component) => stack('down', component),
    remove: async () => {
      await stack('down', 'kafka', 'temporal', 'postgres').catch(() => undefined);
      rmSync(stateHome, { recursive: true, force: true });
    },
  };
};
