import { randomUUID } from 'node:crypto';
import { readCheckpoint } from '../checkpoints';
import { createEventStore, type EventStore } from '../event-store';
import { subscribeToAll } from '../subscription';
import { newEvent, openTestDatabase, type TestDatabase } from '../testing/database';
import { pollUntil } from '../testing/poll-until';
import { createStreamTally, startProjectionAtHead, type StreamTally, type StreamTallyRow } from '../testing/stream-tally';
import { startOfLog, type RecordedEvent } from '../types';
import { createProjectionRunner } from './runner';

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await openTestDatabase('event-store-projections', 12);
  store = createEventStore({ sql: db.sql, outboxTopic: 'careflow.episode-events.v1' });
});

afterAll(async () => {
  await db.close();
});

const appendSpread = async (prefix: string, streams: number, eventsPerStream: number): Promise<void> => {
  await Promise.all(
    Array.from({ length: streams }, async (_, stream) => {
      for (let version = 0; version < eventsPerStream; version += 1) {
        await store.appendToStream(`${prefix}-${stream}`, version, [newEvent()]);
      }
    }),
  );
};

const expectedTally = (prefix: string, streams: number, events: number) =>
  Array.from({ length: streams }, (_, stream) => ({
    stream_id: `${prefix}-${stream}`,
    events,
    last_version: events,
    out_of_order: 0,
  })).sort((a, b) => (a.stream_id < b.stream_id ? -1 : 1));

const totalEvents = (rows: readonly StreamTallyRow[]): number => rows.reduce((sum, row) => sum + row.events, 0);

describe('the projection runner', () => {
  let tally: StreamTally;
  const prefix = `test-projection-${randomUUID()}`;

  beforeAll(async () => {
    tally = await createStreamTally(db.admin, db.sql, prefix);
  });

  afterAll(async () => {
    await tally.drop();
  });

  it('applies every event exactly once with two runners racing and one restarted midway', async () => {
    const errors: unknown[] = [];
    const polling = { minDelayMs: 5, maxDelayMs: 20, onError: (error: unknown) => errors.push(error) };
    const first = createProjectionRunner(db.sql, tally.projection, { batchSize: 7 }).start(polling);
    const second = createProjectionRunner(db.sql, tally.projection, { batchSize: 5 }).start(polling);

    const appending = appendSpread(prefix, 6, 15);
    // Stop the first runner once the runners have projected something, so the restart is midway.
    await pollUntil(tally.rows, (rows) => rows.length > 0, { what: 'the runners project the first events' });
    await first.stop();
    const restarted = createProjectionRunner(db.sql, tally.projection, { batchSize: 11 }).start(polling);
    await appending;
    const projected = await pollUntil(tally.rows, (rows) => totalEvents(rows) >= 6 * 15, {
      what: 'the running runners project every event',
    });
    await Promise.all([second.stop(), restarted.stop()]);

    expect(errors).toEqual([]);
    expect(projected).toEqual(expectedTally(prefix, 6, 15));
    expect(await tally.rows()).toEqual(projected);
  });

  it('rebuilds from the start of the log to the same read model', async () => {
    const runner = createProjectionRunner(db.sql, tally.projection, { batchSize: 1000 });
    await runner.catchUp();
    const before = await tally.rows();

    await runner.rebuild();
    expect(await tally.rows()).toEqual([]);
    expect((await readCheckpoint(db.sql, tally.projection.name)).position).toEqual(startOfLog);

    await runner.catchUp();
    expect(await tally.rows()).toEqual(before);
  });
});

describe('subscribeToAll', () => {
  it('delivers committed events in order from its checkpoint and resumes there after a stop', async () => {
    const prefix = `test-subscription-${randomUUID()}`;
    const name = `test-subscription-${randomUUID()}`;
    await startProjectionAtHead(db.sql, name);
    const received: RecordedEvent[] = [];
    const errors: unknown[] = [];
    const subscribe = () =>
      subscribeToAll(db.sql, {
        name,
        batchSize: 3,
        minDelayMs: 5,
        maxDelayMs: 20,
        onError: (error) => errors.push(error),
        handle: async (events) => {
          received.push(...events.filter((event) => event.streamId.startsWith(prefix)));
        },
      });

    const first = subscribe();
    await appendSpread(prefix, 2, 5);
    await pollUntil(
      async () => received.length,
      (count) => count >= 10,
      { what: 'the subscription delivers the first ten events' },
    );
    await first.stop();
    const beforeRestart = received.length;
    await appendSpread(`${prefix}-later`, 1, 4);
    const second = subscribe();
    await pollUntil(
      async () => received.length,
      (count) => count >= 14,
      { what: 'the restarted subscription delivers the later four' },
    );
    await second.stop();

    expect(errors).toEqual([]);
    expect(beforeRestart).toBe(10);
    expect(received).toHaveLength(14);
    expect(new Set(received.map((event) => event.eventId)).size).toBe(14);
    for (const streamId of new Set(received.map((event) => event.streamId))) {
      const versions = received.filter((event) => event.streamId === streamId).map((event) => event.streamVersion);
      expect(versions).toEqual(versions.map((_, index) => index + 1));
    }
    await db.admin`DELETE FROM projection_checkpoints WHERE name = ${name}`;
  });
});
