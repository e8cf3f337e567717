/**
 * The API in-process (NestFactory with the real ApiModule, as main.ts builds it) against the real stack: PostgreSQL
 * in a scratch schema of its own (so audit chains, registries and counts are the test's alone), the
 * Temporal dev server with a real care-episode worker on a task queue of its own, and Kafka.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Sql } from 'postgres';
import { mintLocalToken, type Principal, localTokenDefaults } from '@careflow/auth';
import { createLogger, type Logger } from '@careflow/config';
import { applicationRoleOf, closeDatabaseClient, createDatabaseClient, createEventStore, migrate } from '@careflow/event-store';
import { createDataConverter, keyringFromEnv } from '@careflow/temporal';
import { ApiModule } from '@careflow/api/src/app.module';
import { apiApplicationOptions } from '@careflow/api/src/http';
import { loadApiConfig, type ApiConfig } from '@careflow/api/src/config';
import { createActivities } from '@careflow/worker/src/activities';
import { createPostgresTherapistDirectory } from '@careflow/worker/src/therapist-directory';
import { requireEnv, uniqueSuffix } from './env';

export interface ApiHarness {
  readonly url: string;
  readonly app: INestApplication;
  readonly config: ApiConfig;
  /** The schema owner's view of the scratch schema, to check what was (not) written. */
  readonly owner: Sql;
  readonly taskQueue: string;
  readonly logLines: string[];
  token(principal: Principal): Promise<string>;
  close(): Promise<void>;
}

const base64Key = (): string => randomBytes(32).toString('base64');

/** The URL with the scratch schema as its search path (Postgres.js passes query parameters to the server). */
const inSchema = (url: string, schema: string): string => {
  const parsed = new URL(url);
  parsed.searchParams.set('search_path', schema);
  return parsed.toString();
};

export interface ApiHarnessOptions {
  /** Consume referrals from this topic (its dead letters go to `<topic>.dlq`); no consumer without it. */
  readonly referralTopic?: string;
}

export const startApiHarness = async (options: ApiHarnessOptions = {}): Promise<ApiHarness> => {
  const schema = `api_${randomUUID().replace(/-/g, '')}`;
  const owner = createDatabaseClient(requireEnv('MIGRATION_DATABASE_URL'), {
    applicationName: 'api-tests-owner',
    searchPath: schema,
    maxConnections: 2,
  });
  await owner.unsafe(`CREATE SCHEMA ${schema}`);
  await migrate(owner, {
    appRoles: { api: applicationRoleOf(requireEnv('API_DATABASE_URL')), worker: applicationRoleOf(requireEnv('WORKER_DATABASE_URL')) },
  });
  const workerSql = createDatabaseClient(requireEnv('WORKER_DATABASE_URL'), {
    applicationName: 'api-tests-worker',
    searchPath: schema,
    maxConnections: 4,
  });

  const taskQueue = `care-episodes-api-${uniqueSuffix()}`;
  const payloadKeys = `k1:${base64Key()}`;
  const namespace = process.env['TEMPORAL_NAMESPACE'] ?? 'default';
  const connection = await NativeConnection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: require.resolve('@careflow/workflows'),
    dataConverter: createDataConverter(keyringFromEnv(payloadKeys), namespace),
    activities: createActivities({
      eventStore: createEventStore({ sql: workerSql, outboxTopic: 'careflow.episode-events.v1', eventSource: 'careflow/api-tests' }),
      therapistDirectory: createPostgresTherapistDirectory(workerSql, { reportInvalidProfile: () => undefined }),
    }),
  });
  const running = worker.run();

  const secret = base64Key();
  const config = loadApiConfig({
    ...process.env,
    API_DATABASE_URL: inSchema(requireEnv('API_DATABASE_URL'), schema),
    TEMPORAL_TASK_QUEUE: taskQueue,
    AUTH_JWT_SECRET: secret,
    AUTH_JWKS_URL: undefined,
    AUDIT_HMAC_KEYS: `a1:${base64Key()}`,
    PATIENT_KEY_SECRETS: `test-facility=${base64Key()}`,
    FACILITY_ID: 'test-facility',
    PAYLOAD_KEYS: payloadKeys,
    LOG_LEVEL: 'info',
    ...(options.referralTopic === undefined
      ? { REFERRAL_FEED: 'off' }
      : {
          REFERRAL_FEED: 'on',
          REFERRAL_TOPIC: options.referralTopic,
          REFERRAL_DEAD_LETTER_TOPIC: `${options.referralTopic}.dlq`,
          REFERRAL_CONSUMER_GROUP: `careflow.api-tests-${uniqueSuffix()}`,
        }),
  });
  const logLines: string[] = [];
  const logger: Logger = createLogger('api', 'info', { write: (line: string) => void logLines.push(line) });
  const app = await NestFactory.create(ApiModule.register(config, logger), { ...apiApplicationOptions, logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  return {
    url,
    app,
    config,
    owner,
    taskQueue,
    logLines,
    token: (principal) =>
      mintLocalToken({
        secret,
        issuer: localTokenDefaults.issuer,
        audience: localTokenDefaults.audience,
        principal,
        lifetimeSeconds: 600,
      }),
    async close() {
      await app.close();
      worker.shutdown();
      await running;
      await connection.close();
      await closeDatabaseClient(workerSql);
      await owner.unsafe(`DROP SCHEMA ${schema} CASCADE`);
      await closeDatabaseClient(owner);
    },
  };
};

/** One HTTP call as a client makes it: JSON in, status, headers and parsed JSON out. */
export const call = async (
  harness: Pick<ApiHarness, 'url'>,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field in each test
): Promise<{ status: number; body: any; text: string; headers: Headers }> => {
  const response = await fetch(`${harness.url}${path}`, {
    method,
    headers: {
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.body === undefined && options.rawBody === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.rawBody !== undefined
      ? { body: options.rawBody }
      : options.body === undefined
        ? {}
        : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, headers: response.headers };
};
