/**
 * Test code only: what reporting's integration tests and the pipeline bench share. A private
 * database (a rebuild empties the reporting tables: in the shared one it would wipe other suites'
 * rows) with the relay's, reporting's and the worker's roles granted as in production, the stored
 * events published to a topic as the relay maps them, and every reporting table read row by row.
 */
import type { Kafka } from 'kafkajs';
import postgres, { type Sql } from 'postgres';
import type { CareEpisodeEvent } from '@careflow/domain';
import {
  closeDatabaseClient,
  createDatabaseClient,
  deletePublishedOutbox,
  migrate,
  readOutbox,
  startOfLog,
  type OutboxMessage,
} from '@careflow/event-store';
import { patientKeyring } from '@careflow/messaging';
import { createEpisodeMessages } from '@careflow/relay/src/episode-messages';
import { eventStoreFor, storedEvent } from './relay-rig';
import { requireEnv } from './env';

export const facility = 'test-facility';
export const keyring = patientKeyring(new Map([[facility, Buffer.alloc(32, 5)]]));

const inDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

const roleOf = (url: string): string => decodeURIComponent(new URL(url).username);

export interface ReportingDatabase {
  /** Plays every app's part: appends events as the worker does. */
  readonly sql: Sql;
  /** The relay's role: reads events (the rebuild's source, as in deployments). */
  readonly relaySql: Sql;
  /** Reporting's own role: the consumer's and the rebuild's writes. */
  readonly reportingSql: Sql;
  /** The worker's role: routing's reads. */
  readonly workerSql: Sql;
  /** The schema owner: what no app may do (the therapist directory's rows). */
  readonly ownerSql: Sql;
  close(): Promise<void>;
}

/** A fresh database `name`, migrated by the schema owner, each app's role granted what grants.ts says. */
export const openReportingDatabase = async (name: string): Promise<ReportingDatabase> => {
  const superuserUrl = requireEnv('SUPERUSER_DATABASE_URL');
  const ownerUrl = inDatabase(requireEnv('MIGRATION_DATABASE_URL'), name);
  const urls = {
    app: inDatabase(requireEnv('DATABASE_URL'), name),
    relay: inDatabase(requireEnv('RELAY_DATABASE_URL'), name),
    reporting: inDatabase(requireEnv('REPORTING_DATABASE_URL'), name),
    worker: inDatabase(requireEnv('WORKER_DATABASE_URL'), name),
  };
  const root = postgres(superuserUrl, { max: 1, onnotice: () => undefined });
  try {
    await root.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await root.unsafe(`CREATE DATABASE ${name} OWNER ${roleOf(ownerUrl)}`);
    await root.unsafe(`GRANT CONNECT ON DATABASE ${name} TO ${Object.values(urls).map(roleOf).join(', ')}`);
  } finally {
    await root.end({ timeout: 5 });
  }
  const ownerSql = createDatabaseClient(ownerUrl, { applicationName: `${name}-owner`, maxConnections: 2 });
  await migrate(ownerSql, {
    applicationRole: roleOf(urls.app),
    appRoles: { relay: roleOf(urls.relay), reporting: roleOf(urls.reporting), worker: roleOf(urls.worker) },
  });
  const pools = {
    sql: createDatabaseClient(urls.app, { applicationName: name, maxConnections: 8 }),
    relaySql: createDatabaseClient(urls.relay, { applicationName: `${name}-relay`, maxConnections: 4 }),
    reportingSql: createDatabaseClient(urls.reporting, { applicationName: `${name}-reporting`, maxConnections: 8 }),
    workerSql: createDatabaseClient(urls.worker, { applicationName: `${name}-worker`, maxConnections: 2 }),
  };
  return {
    ...pools,
    ownerSql,
    close: async () => {
      await Promise.all([...Object.values(pools), ownerSql].map((pool) => closeDatabaseClient(pool)));
      const dropper = postgres(superuserUrl, { max: 1, onnotice: () => undefined });
      await dropper.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await dropper.end({ timeout: 5 });
    },
  };
};

/** Appends a decided episode as the worker does (the whole domain event as data, its department in the metadata, an outbox row). */
export const appendEpisode = async (
  database: ReportingDatabase,
  episodeId: string,
  events: readonly CareEpisodeEvent[],
  departmentId = 'department-1',
): Promise<void> => {
  const stored = events.map(storedEvent).map((event) => ({ ...event, metadata: { ...event.metadata, departmentId } }));
  await eventStoreFor(database.sql, 'careflow.episode-events.v1').appendToStream(episodeId, 0, stored);
};

/**
 * Publishes the outbox to `topic` as the relay maps it (the relay's own mapping, its role), deleting
 * what went out, until the outbox is empty; returns how many messages went out. The outbox read is
 * gap-safe, so another suite's open transaction (anywhere in the cluster) can hold rows back a while.
 */
export const publishOutbox = async (database: ReportingDatabase, kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<number> => {
  const messages = createEpisodeMessages(database.relaySql, keyring, facility);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const deadline = Date.now() + timeoutMs;
  await producer.connect();
  let published = 0;
  try {
    for (;;) {
      const batch: OutboxMessage[] = await readOutbox(database.relaySql, startOfLog, 500);
      const last = batch.at(-1);
      if (last === undefined) {
        const [left] = await database.relaySql<{ rows: number }[]>`SELECT count(*)::int AS rows FROM outbox`;
        if ((left?.rows ?? 0) === 0) return published;
        if (Date.now() > deadline) throw new Error(`the outbox still holds ${left?.rows} rows after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const mapped = await messages.messagesOf(batch);
      const ready = mapped.flatMap((m) => (m.kind === 'publish' ? [{ ...m.message, headers: { ...m.message.headers } }] : []));
      await producer.send({ topic, acks: -1, messages: ready });
      published += ready.length;
      await deletePublishedOutbox(database.relaySql, last.position);
    }
  } finally {
    await producer.disconnect();
  }
};

/** Every reporting table, with its key for a stable order. */
export const reportingTableKeys = {
  episode_summaries: 'episode_id',
  episode_worklists: 'episode_id',
  episode_outcomes: 'episode_id, measure',
  episode_operations: 'episode_id',
} as const;

/** Every row of every reporting table, in key order, as JSON. */
export const readModelRows = async (sql: Sql): Promise<Record<string, unknown[]>> => {
  const tables: Record<string, unknown[]> = {};
  for (const [table, key] of Object.entries(reportingTableKeys)) {
    const rows = await sql.unsafe<{ row: unknown }[]>(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY ${key}`);
    tables[table] = rows.map(({ row }) => row);
  }
  return tables;
};
