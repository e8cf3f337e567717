import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { killHard, startBuiltApp, startTypeScriptProcess, waitForExit, waitForOutput } from './processes';

export const fleetApps = ['worker', 'relay', 'billing', 'reporting', 'notices', 'api'] as const;
export type FleetApp = (typeof fleetApps)[number];

export interface AppFleet {
  readonly apiUrl: string;
  readonly jwtSecret: string;
  /** SIGKILLs the app; its supervisor starts it again, as an orchestrator would. */
  kill(app: FleetApp): Promise<void>;
  /** Times an app exited on its own (a dependency gone) and was started again. */
  readonly crashRestarts: Record<FleetApp, number>;
  /** The last lines each app printed (their logs hold no PHI), for a failed test's message. */
  tail(app: FleetApp): string;
  /** The running process of each app (for CPU accounting). */
  pid(app: FleetApp): number | undefined;
  stop(): Promise<void>;
}

const base64Key = (): string => randomBytes(32).toString('base64');

/** Applies the migrations as the schema owner (the step a deployment runs before the apps). */
export const migrateStack = async (env: Readonly<Record<string, string>>): Promise<void> => {
  const child = startTypeScriptProcess('libs/event-store/src/migrate-cli.ts', [], { PATH: process.env['PATH'], ...env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const { code } = await waitForExit(child);
  if (code !== 0) throw new Error(`migrations failed:\n${output}`);
};

/**
 * The six built apps against one stack (`stackEnv`: what `infra/local/stack env` prints for it), each
 * with only its own database URL, restarted whenever it exits until `stop`.
 */
export const startAppFleet = async (options: {
  readonly stackEnv: Readonly<Record<string, string>>;
  readonly apiPort: number;
  readonly workflowBundlePath: string;
  readonly extraEnv?: Partial<Record<FleetApp, Record<string, string>>>;
}): Promise<AppFleet> => {
  const jwtSecret = randomBytes(32).toString('base64url');
  const facility = 'facility-under-test';
  const shared = {
    PATH: process.env['PATH'] ?? '',
    NODE_ENV: 'test',
    TEMPORAL_ADDRESS: options.stackEnv['TEMPORAL_ADDRESS'] ?? '',
    TEMPORAL_NAMESPACE: options.stackEnv['TEMPORAL_NAMESPACE'] ?? 'default',
    KAFKA_BROKERS: options.stackEnv['KAFKA_BROKERS'] ?? '',
    PAYLOAD_KEYS: `k1:${base64Key()}`,
    AUTH_JWT_SECRET: jwtSecret,
    FACILITY_ID: facility,
    PATIENT_KEY_SECRETS: `${facility}=${base64Key()}`,
    AUDIT_HMAC_KEYS: `audit1:${base64Key()}`,
    // Port 9 on loopback, where nothing listens: no notice leaves the machine.
    NOTICES_ENDPOINT_URL: 'http://127.0.0.1:9/fhir/Communication',
    HEALTH_PORT: '0',
    LOG_LEVEL: 'info',
  };
  const envOf = (app: FleetApp): NodeJS.ProcessEnv => {
    const variable = `${app.toUpperCase()}_DATABASE_URL`;
    return {
      ...shared,
      [variable]: options.stackEnv[variable] ?? '',
      ...(app === 'api' ? { API_PORT: String(options.apiPort), REFERRAL_FEED: 'off' } : {}),
      ...(app === 'worker' ? { WORKFLOW_BUNDLE_PATH: options.workflowBundlePath } : {}),
      ...options.extraEnv?.[app],
    };
  };
  const running = new Map<FleetApp, ChildProcess>();
  const output = new Map<FleetApp, string>();
  const crashRestarts = Object.fromEntries(fleetApps.map((app) => [app, 0])) as Record<FleetApp, number>;
  let stopping = false;
  const killing = new Set<FleetApp>();

  const launch = (app: FleetApp): ChildProcess => {
    const child = startBuiltApp(app, envOf(app));
    const keep = (chunk: Buffer) => output.set(app, ((output.get(app) ?? '') + chunk.toString()).slice(-6_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => {
      if (stopping || killing.has(app)) return;
      crashRestarts[app] += 1;
      setTimeout(() => {
        if (!stopping) running.set(app, launch(app));
      }, 1_000);
    });
    running.set(app, child);
    return child;
  };

  const ready: Record<FleetApp, RegExp> = {
    worker: /worker polling/,
    relay: /health listening/,
    billing: /consumer joined its group/,
    reporting: /consumer joined its group/,
    notices: /consumer joined its group/,
    api: /api listening/,
  };
  await Promise.all(fleetApps.map((app) => waitForOutput(launch(app), ready[app], 120_000)));

  return {
    apiUrl: `http://127.0.0.1:${options.apiPort}`,
    jwtSecret,
    crashRestarts,
    tail: (app) => output.get(app) ?? '',
    pid: (app) => running.get(app)?.pid,
    async kill(app) {
      const child = running.get(app);
      killing.add(app);
      if (child !== undefined) await killHard(child);
      killing.delete(app);
      if (!stopping) launch(app);
    },
    async stop() {
      stopping = true;
      await Promise.all(
        [...running.values()].map(async (child) => {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await waitForExit(child);
          clearTimeout(timer);
        }),
      );
    },
  };
};
