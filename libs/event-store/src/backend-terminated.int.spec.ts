import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import { createDatabaseClient } from './database';
import { EventStoreUnavailableError } from './errors';
import { createEventStore, type EventStore } from './event-store';
import { databaseUrls, newEvent, newStreamId, openTestDatabase, sleep, type TestDatabase } from './testing/database';
import type { NewEvent } from './types';

/**
 * pg_terminate_backend inside the append transaction, over and over. Postgres.js is known to crash
 * the process when a connection dies inside sql.begin(); the store's append is one statement, so it
 * never writes to a dead connection, and a killed append is a retryable error.
 */
let db: TestDatabase;
let sql: Sql;
let store: EventStore;
const applicationName = `event-store-kill-${randomUUID().slice(0, 8)}`;
const processFailures: unknown[] = [];
const recordFailure = (error: unknown): void => {
  processFailures.push(error);
};

beforeAll(async () => {
  db = await openTestDatabase('event-store-kill-admin');
  sql = createDatabaseClient(databaseUrls().app, { applicationName, maxConnections: 4 });
  store = createEventStore({ sql, outboxTopic: 'careflow.episode-events.v1' });
  process.on('uncaughtException', recordFailure);
  process.on('unhandledRejection', recordFailure);
});

afterAll(async () => {
  process.off('uncaughtException', recordFailure);
  process.off('unhandledRejection', recordFailure);
  await sql.end({ timeout: 5 });
  await db.close();
});

/** Terminates our backend running the append; true when it found one to kill. */
const terminateAppend = async (waitingForLock: boolean): Promise<boolean> => {
  // Find first, kill second: in one WHERE clause PostgreSQL may call pg_terminate_backend on any row.
  const running = await db.admin<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity
    WHERE application_name = ${applicationName} AND state = 'active' AND query LIKE '%INSERT INTO events%'
      AND (NOT ${waitingForLock} OR wait_event_type = 'Lock')`;
  for (const { pid } of running) await db.admin`SELECT pg_terminate_backend(${pid}::integer)`;
  return running.length > 0;
};

const orphans = async (streamIds: readonly string[]) => {
  const [row] = await db.admin<{ events_without_outbox: number; outbox_without_event: number }[]>`
    SELECT
      (SELECT count(*)::int FROM events e WHERE e.stream_id IN ${db.admin(streamIds)}
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.global_position = e.global_position)) AS events_without_outbox,
      -- An outbox row knows no stream of its own: every row in the database must have its event.
      (SELECT count(*)::int FROM outbox o
         WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.global_position = o.global_position)) AS outbox_without_event`;
  return row;
};

/** Appends until it goes through, as a caller should after a retryable error. */
const appendUntilDone = async (streamId: string, expectedVersion: number, events: readonly NewEvent[]) => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await store.appendToStream(streamId, expectedVersion, events);
    } catch (error) {
      if (!(error instanceof EventStoreUnavailableError) || attempt >= 10) throw error;
      await sleep(20);
    }
  }
};

describe('a backend terminated inside the append transaction', () => {
  it('fails the append with a retryable error while it waits inside the transaction (100 times)', async () => {
    const streamIds: string[] = [];
    for (let round = 0; round < 100; round += 1) {
      const streamId = newStreamId('kill');
      streamIds.push(streamId);
      await appendUntilDone(streamId, 0, [newEvent()]);
      const batch = [newEvent(), newEvent(), newEvent()];

      // Hold version 2 of the stream uncommitted, so the append waits on the unique index inside its
      // transaction, after it has taken its transaction id.
      const blocker = await db.admin.reserve();
      try {
        await blocker`BEGIN`;
        await blocker`
          INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata, previous_hash, hash)
          VALUES (${streamId}, 2, gen_random_uuid(), 'Blocker', 1, '{}', '{}', '\\x00', '\\x00')`;
        const append = store.appendToStream(streamId, 1, batch).then(
          () => 'appended',
          (error: unknown) => error,
        );
        let killed = false;
        for (let wait = 0; wait < 200 && !killed; wait += 1) {
          killed = await terminateAppend(true);
          if (!killed) await sleep(5);
        }
        expect(killed).toBe(true);
        const outcome = await append;
        expect(outcome).toBeInstanceOf(EventStoreUnavailableError);
        expect(outcome).toMatchObject({ retryable: true });
      } finally {
        await blocker`ROLLBACK`;
        blocker.release();
      }

      expect(await store.readStreamVersion(streamId)).toBe(1);
      const retried = await appendUntilDone(streamId, 1, batch);
      expect(retried.alreadyAppended).toBe(false);
      expect(await store.readStreamVersion(streamId)).toBe(4);
    }
    expect(await orphans(streamIds)).toEqual({ events_without_outbox: 0, outbox_without_event: 0 });
    expect(processFailures).toEqual([]);
  });

  it('leaves no event without its outbox row when killed at random moments of a large append (100 times)', async () => {
    const streamIds: string[] = [];
    let killedAppends = 0;
    for (let round = 0; round < 100; round += 1) {
      const streamId = newStreamId('kill-random');
      streamIds.push(streamId);
      const batch = Array.from({ length: 200 }, () => newEvent('SessionRecorded', { minutes: 30, note: 'x'.repeat(200) }));
      const append = store.appendToStream(streamId, 0, batch).then(
        () => 'appended',
        (error: unknown) => error,
      );
      await sleep(round % 8);
      await terminateAppend(false);
      const outcome = await append;
      if (outcome !== 'appended') {
        expect(outcome).toBeInstanceOf(EventStoreUnavailableError);
        killedAppends += 1;
      }
      const events = await store.readStream(streamId);
      expect([0, batch.length]).toContain(events.length);

      const retried = await appendUntilDone(streamId, 0, batch);
      expect(retried.nextExpectedVersion).toBe(batch.length);
      expect(await store.readStreamVersion(streamId)).toBe(batch.length);
    }
    expect(killedAppends).toBeGreaterThanOrEqual(20);
    expect(await orphans(streamIds)).toEqual({ events_without_outbox: 0, outbox_without_event: 0 });
    expect(processFailures).toEqual([]);
    // The pool recovers: a plain append still works.
    await expect(store.appendToStream(newStreamId(), 0, [newEvent()])).resolves.toMatchObject({ nextExpectedVersion: 1 });
  });
});
