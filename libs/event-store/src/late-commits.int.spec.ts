import { randomUUID } from 'node:crypto';
import { createEventStore, type EventStore } from './event-store';
import { createProjectionRunner } from './projections/runner';
import { newEvent, openTestDatabase, sleep, type TestDatabase } from './testing/database';
import { pollUntil } from './testing/poll-until';
import { createStreamTally, settledHead, type StreamTally } from './testing/stream-tally';
import { logPositionOf, type RecordedEvent } from './types';
import { toSafeInteger } from './database';

/**
 * Transactions commit in another order than they took their positions. 32 writers sleep at random
 * inside their transactions (holding low positions while others commit higher ones) and one append in
 * twenty rolls back; readers polling meanwhile must still see every committed event, in stream order.
 */
/** Thrown to roll an append back on purpose. */
class RollBack extends Error {}

let db: TestDatabase;
let store: EventStore;
let tally: StreamTally;
const prefix = `test-late-${randomUUID()}`;

beforeAll(async () => {
  db = await openTestDatabase('event-store-late-commits', 40);
  store = createEventStore({ sql: db.sql, outboxTopic: 'careflow.episode-events.v1' });
  tally = await createStreamTally(db.admin, db.sql, prefix);
});

afterAll(async () => {
  await tally.drop();
  await db.close();
});

it('lets readAll and a projection see every committed event, in stream order, despite late commits', async () => {
  const writers = 32;
  const appendsPerWriter = 12;
  const committed = new Map<string, string[]>();
  const rolledBack: string[] = [];
  let rolledBackAppends = 0;
  const start = await settledHead(db.sql);

  const seen: RecordedEvent[] = [];
  let naiveMax = start.globalPosition;
  const naivelySeen = new Set<string>();
  let writing = true;

  // The store's reader, checkpointing the last event it got.
  let position = start;
  const readNext = async (): Promise<number> => {
    const batch = await store.readAll(position, 200);
    seen.push(...batch.filter((event) => event.streamId.startsWith(prefix)));
    const last = batch[batch.length - 1];
    if (last) position = logPositionOf(last);
    return batch.length;
  };
  const reader = (async () => {
    while (writing) if ((await readNext()) === 0) await sleep(2);
  })();

  // A reader that trusts positions alone, to show the hazard is real in this run.
  const naiveReader = (async () => {
    while (writing) {
      const rows = await db.sql<{ global_position: string; event_id: string; stream_id: string }[]>`
        SELECT global_position, event_id, stream_id FROM events
        WHERE global_position > ${naiveMax} ORDER BY global_position LIMIT 200`;
      for (const row of rows) {
        naiveMax = Math.max(naiveMax, toSafeInteger(row.global_position));
        if (row.stream_id.startsWith(prefix)) naivelySeen.add(row.event_id);
      }
      await sleep(2);
    }
  })();

  const runner = createProjectionRunner(db.sql, tally.projection, { batchSize: 100 });
  const projectionErrors: unknown[] = [];
  const projecting = runner.start({ minDelayMs: 5, maxDelayMs: 20, onError: (error) => projectionErrors.push(error) });

  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      const streamId = `${prefix}-${writer}`;
      const ids: string[] = [];
      for (let append = 0; append < appendsPerWriter; append += 1) {
        const batch = Array.from({ length: 1 + (append % 3) }, () => newEvent());
        // One append in twenty rolls back, spread over the writers.
        const rollBack = (writer * appendsPerWriter + append) % 20 === 7;
        const outcome = await db.sql
          .begin(async (tx) => {
            await store.appendToStream(streamId, ids.length, batch, { transaction: tx });
            await tx`SELECT pg_sleep(${Math.random() * 0.03})`;
            if (rollBack) throw new RollBack();
          })
          .then(
            () => 'committed' as const,
            // Any other failure is the test's failure, never a roll-back.
            (error: unknown) => {
              if (error instanceof RollBack) return 'rolled back' as const;
              throw error;
            },
          );
        if (outcome === 'committed') ids.push(...batch.map((event) => event.eventId));
        else {
          rolledBackAppends += 1;
          rolledBack.push(...batch.map((event) => event.eventId));
        }
      }
      committed.set(streamId, ids);
    }),
  );
  writing = false;
  await Promise.all([reader, naiveReader]);
  const expectedIds = [...committed.values()].flat();
  // The last commits become readable only once every older transaction, other test workers' too, has ended.
  await pollUntil(
    async () => {
      while ((await readNext()) > 0);
      return seen.length;
    },
    (count) => count >= expectedIds.length,
    { what: 'the reader sees every committed event' },
  );
  await pollUntil(tally.rows, (rows) => rows.reduce((sum, row) => sum + row.events, 0) >= expectedIds.length, {
    what: 'the running projection applies every committed event',
  });
  await projecting.stop();

  // Every planned roll-back happened (19 of the 384 appends), and none of its events was ever read.
  expect(rolledBackAppends).toBe(19);
  expect(seen.filter((event) => rolledBack.includes(event.eventId))).toEqual([]);
  expect(seen.map((event) => event.eventId).sort()).toEqual([...expectedIds].sort());
  for (const [streamId, ids] of committed) {
    const ofStream = seen.filter((event) => event.streamId === streamId);
    expect(ofStream.map((event) => event.eventId)).toEqual(ids);
    expect(ofStream.map((event) => event.streamVersion)).toEqual(ids.map((_, index) => index + 1));
  }

  expect(projectionErrors).toEqual([]);
  const tallies = await tally.rows();
  expect(tallies).toEqual(
    [...committed]
      .filter(([, ids]) => ids.length > 0)
      .map(([streamId, ids]) => ({ stream_id: streamId, events: ids.length, last_version: ids.length, out_of_order: 0 }))
      .sort((a, b) => (a.stream_id < b.stream_id ? -1 : 1)),
  );
  // Evidence that the hazard happened: reading by position alone missed committed events.
  expect(expectedIds.filter((id) => !naivelySeen.has(id)).length).toBeGreaterThan(0);
});
