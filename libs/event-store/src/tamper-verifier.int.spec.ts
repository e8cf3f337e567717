import type { TransactionSql } from 'postgres';
import { canonicalJson, type JsonObject } from './canonical-json';
import { createEventStore, type EventStore } from './event-store';
import { contentHash, linkHash } from './hashing';
import { verifyHashChains, type BrokenLink } from './tamper-verifier';
import { newEvent, newStreamId, openTestDatabase, type TestDatabase } from './testing/database';

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await openTestDatabase('event-store-tamper');
  store = createEventStore({ sql: db.sql, outboxTopic: 'careflow.episode-events.v1' });
});

afterAll(async () => {
  await db.close();
});

const streamOfFive = async (): Promise<string> => {
  const streamId = newStreamId('tamper');
  await store.appendToStream(streamId, 0, [newEvent(), newEvent(), newEvent()]);
  await store.appendToStream(streamId, 3, [newEvent(), newEvent()]);
  return streamId;
};

class RolledBack extends Error {}

/**
 * Tampers as a superuser who deliberately passes the append-only triggers, verifies, and rolls the
 * whole thing back, so the shared database keeps honest chains.
 */
const tamperAndVerify = async (streamIds: string[], tamper: (tx: TransactionSql) => Promise<unknown>): Promise<readonly BrokenLink[]> => {
  let found: readonly BrokenLink[] = [];
  await db.admin
    .begin(async (tx) => {
      await tx`SET LOCAL session_replication_role = replica`;
      await tamper(tx);
      found = (await verifyHashChains(tx, { streamIds, batchSize: 2 })).brokenLinks;
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return found;
};

describe('verifyHashChains', () => {
  it('finds nothing wrong with honest streams, recomputing every hash the database chained', async () => {
    const streamIds = [await streamOfFive(), await streamOfFive()];
    const report = await verifyHashChains(db.sql, { streamIds, batchSize: 3 });
    expect(report).toEqual({ streamsChecked: 2, eventsChecked: 10, brokenLinks: [] });
  });

  it('reports a superuser UPDATE of one event as its first broken link, and only that stream', async () => {
    const [tampered, honest] = [await streamOfFive(), await streamOfFive()];
    const [third] = await store.readStream(tampered, 3, 1);
    const found = await tamperAndVerify(
      [tampered, honest],
      (tx) => tx`UPDATE events SET data = jsonb_set(data, '{minutes}', '45') WHERE stream_id = ${tampered} AND stream_version = 3`,
    );
    expect(found).toEqual([
      { streamId: tampered, streamVersion: 3, globalPosition: third?.globalPosition, eventId: third?.eventId, reason: 'content-changed' },
    ]);
  });

  it('catches a tamperer who also recomputes the changed event hash: the next link breaks', async () => {
    const streamId = await streamOfFive();
    const found = await tamperAndVerify([streamId], async (tx) => {
      const [row] = await tx<{ event_id: string; type: string; metadata: JsonObject; previous_hash: Buffer }[]>`
        SELECT event_id, type, metadata, previous_hash FROM events WHERE stream_id = ${streamId} AND stream_version = 3`;
      if (!row) throw new Error('no event at version 3');
      const data = { minutes: 45 };
      const rehashed = linkHash(
        row.previous_hash,
        contentHash({
          streamId,
          streamVersion: 3,
          eventId: row.event_id,
          type: row.type,
          schemaVersion: 1,
          dataJson: canonicalJson(data),
          metadataJson: canonicalJson(row.metadata),
        }),
      );
      await tx`
        UPDATE events SET data = ${JSON.stringify(data)}::text::jsonb, hash = ${rehashed}
        WHERE stream_id = ${streamId} AND stream_version = 3`;
    });
    expect(found).toEqual([expect.objectContaining({ streamId, streamVersion: 4, reason: 'chain-broken' })]);
  });

  it('reports a deleted event as the missing version', async () => {
    const streamId = await streamOfFive();
    const found = await tamperAndVerify([streamId], (tx) => tx`DELETE FROM events WHERE stream_id = ${streamId} AND stream_version = 2`);
    expect(found).toEqual([{ streamId, streamVersion: 2, globalPosition: null, eventId: null, reason: 'version-missing' }]);
  });
});

/** The error a statement fails with, inside a transaction that is rolled back whatever happens. */
const failureOf = async (sql: TestDatabase['sql'], statement: (tx: TransactionSql) => Promise<unknown>): Promise<unknown> => {
  let failure: unknown = null;
  await sql
    .begin(async (tx) => {
      failure = await statement(tx).then(
        () => null,
        (error: unknown) => error,
      );
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) failure ??= error;
    });
  return failure;
};

describe('append-only events', () => {
  it('refuses UPDATE, DELETE and TRUNCATE by the application role', async () => {
    const streamId = await streamOfFive();
    for (const statement of [
      (tx: TransactionSql) => tx`UPDATE events SET type = 'Changed' WHERE stream_id = ${streamId}`,
      (tx: TransactionSql) => tx`DELETE FROM events WHERE stream_id = ${streamId}`,
      (tx: TransactionSql) => tx`TRUNCATE events`,
    ]) {
      expect(await failureOf(db.sql, statement)).toMatchObject({ code: '42501', message: 'permission denied for table events' });
    }
    expect(await store.readStream(streamId)).toHaveLength(5);
  });

  it('refuses even the owner unless a superuser deliberately switches triggers off', async () => {
    const streamId = await streamOfFive();
    for (const [operation, statement] of [
      ['UPDATE', (tx: TransactionSql) => tx`UPDATE events SET type = 'Changed' WHERE stream_id = ${streamId}`],
      ['DELETE', (tx: TransactionSql) => tx`DELETE FROM events WHERE stream_id = ${streamId}`],
      ['TRUNCATE', (tx: TransactionSql) => tx`TRUNCATE events`],
    ] as const) {
      expect(await failureOf(db.admin, statement)).toMatchObject({
        code: '42501',
        message: `events are append-only: ${operation} on events is not allowed`,
      });
    }
    // The application role may not take the superuser's way round.
    expect(await failureOf(db.sql, (tx) => tx`SET LOCAL session_replication_role = replica`)).toMatchObject({
      code: '42501',
    });
  });
});
