/**
 * Test code only: the six built apps as processes on the local stack, as `npm start` runs them (each
 * with its own database URL only), with their own keys, API port, task queue and a database of their
 * own (the shared one's outbox holds other suites' rows for topics long gone, which the relay would
 * have to get past first) and a Kafka broker of their own (the default consumer groups would otherwise
 * read every other suite's episodes from the shared topic).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { careEpisodeWorkflowId, clearanceReceivedSignal } from '@careflow/contracts';
import type { GrantClearance } from '@careflow/domain';
import { createDataConverter, keyringFromEnv } from '@careflow/temporal';
import { requireEnv, uniqueSuffix } from '../env';
import { privateBroker } from '../private-broker';
import { freePort, killHard, startBuiltApp, startTypeScriptProcess, waitForExit, waitForOutput } from '../processes';

export const stackApps = ['worker', 'relay', 'billing', 'reporting', 'notices', 'api'] as const;
export type StackApp = (typeof stackApps)[number];

export interface DemoStack {
  readonly apiUrl: string;
  readonly authSecret: string;
  readonly processes: ReadonlyMap<StackApp, ChildProcess>;
  /** Everything each app printed so far (its logs carry no PHI). */
  output(app: StackApp): string;
  /** The EHR interface engine's clearance Signal, encrypted with the stack's payload key. */
  sendEhrClearance(episodeId: string, clearance: GrantClearance): Promise<void>;
  stop(): Promise<void>;
}

const inDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};
const roleOf = (url: string): string => decodeURIComponent(new URL(url).username);
const urlVariable = (app: StackApp): string => `${app.toUpperCase()}_DATABASE_URL`;

/** A fresh database `name` with each app's role allowed in, and the URLs of the owner and every app in it. */
const createDatabase = async (name: string): Promise<{ urls: Record<string, string>; drop(): Promise<void> }> => {
  const urls: Record<string, string> = {
    MIGRATION_DATABASE_URL: inDatabase(requireEnv('MIGRATION_DATABASE_URL'), name),
    ...Object.fromEntries(stackApps.map((app) => [urlVariable(app), inDatabase(requireEnv(urlVariable(app)), name)])),
  };
  const superuser = (): postgres.Sql => postgres(requireEnv('SUPERUSER_DATABASE_URL'), { max: 1, onnotice: () => undefined });
  const root = superuser();
  try {
    await root.unsafe(`CREATE DATABASE ${name} OWNER ${roleOf(urls['MIGRATION_DATABASE_URL'] as string)}`);
    await root.unsafe(
      `GRANT CONNECT ON DATABASE ${name} TO ${stackApps.map((app) => roleOf(urls[urlVariable(app)] as string)).join(', ')}`,
    );
  } finally {
    await root.end({ timeout: 5 });
  }
  return {
    urls,
    drop: async () => {
      const dropper = superuser();
      await dropper.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await dropper.end({ timeout: 5 });
    },
  };
};

const migrate = async (urls: Record<string, string>): Promise<void> => {
  const child = startTypeScriptProcess('libs/event-store/src/migrate-cli.ts', [], { PATH: process.env['PATH'], ...urls });
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const { code } = await waitForExit(child);
  if (code !== 0) throw new Error(`the migration step failed:\n${printed}`);
};

/** Starts the apps and resolves once each says it is ready; `extra` adds variables (e.g. NOTICES_ENDPOINT_URL). */
export const startDemoStack = async (extra: Record<string, string> = {}): Promise<DemoStack> => {
  const database = await createDatabase(`careflow_demo_${uniqueSuffix()}`);
  await migrate(database.urls).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  // A broker of its own: on the shared one the apps' consumer groups would also read every other
  // suite's episodes, which this database does not hold, and fall behind dead-lettering them.
  const broker = await privateBroker('demo').catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  const port = await freePort();
  const authSecret = randomBytes(32).toString('base64url');
  const payloadKeys = `demo1:${randomBytes(32).toString('base64')}`;
  const common: Record<string, string> = {
    PATH: requireEnv('PATH'),
    TEMPORAL_ADDRESS: requireEnv('TEMPORAL_ADDRESS'),
    KAFKA_BROKERS: broker.brokers,
    TEMPORAL_TASK_QUEUE: `care-episodes-demo-${uniqueSuffix()}`,
    PAYLOAD_KEYS: payloadKeys,
    AUTH_JWT_SECRET: authSecret,
    FACILITY_ID: 'demo-facility',
    PATIENT_KEY_SECRETS: `demo-facility=${randomBytes(32).toString('base64')}`,
    AUDIT_HMAC_KEYS: `audit1:${randomBytes(32).toString('base64')}`,
    NOTICES_ENDPOINT_URL: 'http://127.0.0.1:9/fhir/Communication',
    NOTICES_RETRY_BASE_MS: '200',
    NOTICES_RETRY_MAX_MS: '2000',
    API_PORT: String(port),
    // The interface engines' shared referral topic is left to the deployment's own API.
    REFERRAL_FEED: 'off',
    LOG_LEVEL: 'info',
    ...extra,
  };
  const processes = new Map<StackApp, ChildProcess>();
  const outputs = new Map<StackApp, string>();
  const ready: Record<StackApp, RegExp> = {
    worker: /worker polling/,
    relay: /relay is the leader/,
    billing: /consumer joined its group/,
    reporting: /consumer joined its group/,
    notices: /consumer joined its group/,
    api: /api listening/,
  };
  const connection = await Connection.connect({ address: common['TEMPORAL_ADDRESS'] as string });
  const temporal = new Client({ connection, dataConverter: createDataConverter(keyringFromEnv(payloadKeys), 'default') });
  const stop = async (): Promise<void> => {
    for (const child of processes.values()) child.kill('SIGTERM');
    await Promise.race([
      Promise.all([...processes.values()].map(waitForExit)),
      new Promise((resolve) => setTimeout(resolve, 30_000).unref()),
    ]);
    await Promise.all([...processes.values()].map(killHard));
    await connection.close();
    await database.drop();
    await broker.remove();
  };
  try {
    for (const app of stackApps) {
      const variable = urlVariable(app);
      const child = startBuiltApp(app, { ...common, [variable]: database.urls[variable] });
      outputs.set(app, '');
      child.stdout?.on('data', (chunk: Buffer) => outputs.set(app, `${outputs.get(app) ?? ''}${chunk.toString()}`));
      child.stderr?.on('data', (chunk: Buffer) => outputs.set(app, `${outputs.get(app) ?? ''}${chunk.toString()}`));
      processes.set(app, child);
    }
    await Promise.all(stackApps.map((app) => waitForOutput(processes.get(app) as ChildProcess, ready[app], 120_000)));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    authSecret,
    processes,
    output: (app) => outputs.get(app) ?? '',
    sendEhrClearance: async (episodeId, clearance) => {
      await temporal.workflow.getHandle(careEpisodeWorkflowId(episodeId)).signal(clearanceReceivedSignal, clearance);
    },
    stop,
  };
};
