import { randomUUID } from 'node:crypto';
import { createDatabaseClient } from './database';
import { EventIdReusedError, EventStoreUnavailableError, InvalidAppendError, StreamVersionConflictError } from './errors';
import { createEventStore, type EventStore } from './event-store';
import { startCuttingProxy } from './testing/cutting-proxy';
import { databaseUrls, newEvent, newStreamId, openTestDatabase, type TestDatabase } from './testing/database';
import { pollUntil } from './testing/poll-until';
import { defaultAppendLimits } from './prepare-append';
import { deletePublishedOutbox, readOutbox } from './outbox';
import { logPositionOf, type NewEvent, type RecordedEvent } from './types';

const outboxTopic = 'careflow.episode-events.v1';

/** Thrown to end a transaction on purpose, so only this error means the test rolled back. */
class RollBack extends Error {}

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await openTestDatabase('event-store-int', 20);
  store = createEventStore({ sql: db.sql, outboxTopic });
});

afterAll(async () => {
  await db.close();
});

const countsOf = async (streamId: string) => {
  const [row] = await db.admin<{ events: number; outbox: number; stream_version: number | null }[]>`
    SELECT (SELECT count(*)::int FROM events WHERE stream_id = ${streamId}) AS events,
           (SELECT count(*)::int FROM outbox o JOIN events e USING (global_position)
             WHERE e.stream_id = ${streamId}) AS outbox,
           (SELECT max(stream_version) FROM events WHERE stream_id = ${streamId}) AS stream_version`;
  return row;
};

describe('appendToStream', () => {
  it('appends with gapless versions, an outbox row per event, and reads them back', async () => {
    const streamId = newStreamId();
    const first = [newEvent('ReferralReceived', { referral: { referralId: 'r-1' } }), newEvent('ReferralRouted')];
    const appended = await store.appendToStream(streamId, 0, first);
    const second = await store.appendToStream(streamId, 2, [newEvent()]);

    expect(appended).toEqual({ nextExpectedVersion: 2, globalPositions: expect.any(Array), alreadyAppended: false });
    expect(second.nextExpectedVersion).toBe(3);
    const events = await store.readStream(streamId);
    expect(events.map((event) => [event.streamVersion, event.type])).toEqual([
      [1, 'ReferralReceived'],
      [2, 'ReferralRouted'],
      [3, 'SessionRecorded'],
    ]);
    expect(events.map((event) => event.globalPosition)).toEqual([...appended.globalPositions, ...second.globalPositions]);
    expect(events[0]?.data).toEqual({ referral: { referralId: 'r-1' } });
    expect(events[0]?.metadata).toEqual({ ...first[0]?.metadata, recordedAt: expect.any(String) });
    expect(await store.readStream(streamId, 3)).toHaveLength(1);
    expect(await store.readStreamVersion(streamId)).toBe(3);
    expect(await store.readStreamVersion(newStreamId())).toBe(0);

    const firstRecorded = events[0] as RecordedEvent;
    const outbox = await pollUntil(
      async () =>
        (await readOutbox(db.sql, { txId: firstRecorded.txId, globalPosition: firstRecorded.globalPosition - 1 }, 1000)).filter(
          (message) => message.key === streamId,
        ),
      (messages) => messages.length === events.length,
      { what: 'the outbox rows of both appends become readable' },
    );
    expect(outbox.map((message) => message.event)).toEqual(events);
    expect(outbox[0]).toMatchObject({
      topic: outboxTopic,
      key: streamId,
      headers: {
        ce_id: firstRecorded.eventId,
        ce_type: 'ReferralReceived',
        ce_source: 'careflow',
        ce_specversion: '1.0',
        ce_time: firstRecorded.metadata.occurredAt,
        careflow_stream_version: '1',
        careflow_global_position: String(firstRecorded.globalPosition),
      },
    });
  });

  it('deletes published outbox rows up to a position', async () => {
    const streamId = newStreamId();
    await store.appendToStream(streamId, 0, [newEvent(), newEvent()]);
    const [first, second] = (await store.readStream(streamId)) as [RecordedEvent, RecordedEvent];
    // Rolled back: in the shared database the outbox rows of other tests are not ours to delete.
    const rollback = db.sql.begin(async (tx) => {
      expect(await deletePublishedOutbox(tx, logPositionOf(first))).toBeGreaterThanOrEqual(1);
      const left = await tx<{ global_position: string }[]>`
        SELECT o.global_position FROM outbox o JOIN events e USING (global_position) WHERE e.stream_id = ${streamId}`;
      expect(left.map((row) => Number(row.global_position))).toEqual([second.globalPosition]);
      throw new RollBack();
    });
    await expect(rollback).rejects.toBeInstanceOf(RollBack);
  });

  it('lets N racing writers win exactly once per version; the others get the conflict with the actual version', async () => {
    const streamId = newStreamId('race');
    const writers = 16;
    const rounds = 8;
    const winners: string[] = [];

    for (let version = 0; version < rounds; version += 1) {
      const attempts = Array.from({ length: writers }, () => newEvent());
      const outcomes = await Promise.allSettled(attempts.map((event) => store.appendToStream(streamId, version, [event])));
      const won = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [attempts[index]] : []));
      const conflicts = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));

      expect(won).toHaveLength(1);
      expect(conflicts).toHaveLength(writers - 1);
      for (const conflict of conflicts) {
        expect(conflict).toBeInstanceOf(StreamVersionConflictError);
        expect(conflict).toMatchObject({ streamId, expectedVersion: version, actualVersion: version + 1, retryable: false });
      }
      winners.push(won[0]?.eventId ?? '');
    }

    const events = await store.readStream(streamId);
    expect(events.map((event) => event.streamVersion)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events.map((event) => event.eventId)).toEqual(winners);
    expect(await countsOf(streamId)).toEqual({ events: rounds, outbox: rounds, stream_version: rounds });
  });

  it('refuses to append to a stream that does not exist at the expected version', async () => {
    const streamId = newStreamId();
    await expect(store.appendToStream(streamId, 3, [newEvent()])).rejects.toMatchObject({
      constructor: StreamVersionConflictError,
      expectedVersion: 3,
      actualVersion: 0,
    });
    await store.appendToStream(streamId, 0, [newEvent()]);
    await expect(store.appendToStream(streamId, 0, [newEvent()])).rejects.toMatchObject({ actualVersion: 1 });
    expect(await countsOf(streamId)).toEqual({ events: 1, outbox: 1, stream_version: 1 });
  });

  it('treats a repeated append as done: the original positions, nothing written twice', async () => {
    const streamId = newStreamId();
    const batch = [newEvent(), newEvent(), newEvent()];
    const original = await store.appendToStream(streamId, 0, batch);
    await store.appendToStream(streamId, 3, [newEvent()]);

    const repeated = await store.appendToStream(streamId, 0, batch);
    expect(repeated).toEqual({ ...original, alreadyAppended: true });
    // The same events repeated at a later expected version are still the same events.
    expect(await store.appendToStream(streamId, 4, batch)).toEqual({ ...original, alreadyAppended: true });
    expect(await countsOf(streamId)).toEqual({ events: 4, outbox: 4, stream_version: 4 });
  });

  it('refuses an event id reused with other content, in another stream or in another batch', async () => {
    const streamId = newStreamId();
    const [first, second] = [newEvent(), newEvent()] as [NewEvent, NewEvent];
    await store.appendToStream(streamId, 0, [first, second]);

    const changed = { ...first, data: { minutes: 45 } };
    await expect(store.appendToStream(streamId, 0, [changed, second])).rejects.toMatchObject({
      constructor: EventIdReusedError,
      eventId: first.eventId,
    });
    await expect(store.appendToStream(streamId, 2, [{ ...first, type: 'SessionCancelled' }])).rejects.toBeInstanceOf(EventIdReusedError);
    const otherStream = newStreamId();
    await expect(store.appendToStream(otherStream, 0, [first])).rejects.toBeInstanceOf(EventIdReusedError);
    await expect(store.appendToStream(streamId, 2, [second, newEvent()])).rejects.toMatchObject({ eventId: second.eventId });
    expect(await countsOf(streamId)).toEqual({ events: 2, outbox: 2, stream_version: 2 });
    expect(await countsOf(otherStream)).toEqual({ events: 0, outbox: 0, stream_version: null });
  });

  it('refuses bad input with a clear error and writes nothing', async () => {
    const streamId = newStreamId();
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      ['no type', () => store.appendToStream(streamId, 0, [{ ...newEvent(), type: '' }]), /event 0: type must be/],
      [
        'oversized payload',
        () => store.appendToStream(streamId, 0, [newEvent('SessionRecorded', { note: 'x'.repeat(defaultAppendLimits.maxEventBytes) })]),
        /over the limit of 262144/,
      ],
      [
        'negative expected version',
        () => store.appendToStream(streamId, -1, [newEvent()]),
        /expected version must be an integer of 0 or more/,
      ],
      [
        'data that is not an object',
        () => store.appendToStream(streamId, 0, [{ ...newEvent(), data: null as never }]),
        /data must be a JSON object/,
      ],
    ];
    for (const [, append, message] of cases) {
      const failure = await append().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(InvalidAppendError);
      expect(String((failure as Error).message)).toMatch(message);
    }
    expect(await countsOf(streamId)).toEqual({ events: 0, outbox: 0, stream_version: null });
  });

  it('survives an ambiguous commit: the answer is lost after COMMIT, the retry with the same ids leaves one copy', async () => {
    const proxy = await startCuttingProxy(databaseUrls().app);
    const sql = createDatabaseClient(proxy.through(databaseUrls().app), { applicationName: 'event-store-ambiguous', maxConnections: 1 });
    const flakyStore = createEventStore({ sql, outboxTopic });
    try {
      for (let round = 0; round < 5; round += 1) {
        const streamId = newStreamId('ambiguous');
        // Prepare the statement (same shape: two events) on the connection first, so the cut append
        // is one Bind/Execute/Sync whose first answer comes after the commit.
        await flakyStore.appendToStream(streamId, 0, [newEvent(), newEvent()]);
        const batch = [newEvent(), newEvent()];

        const cut = proxy.cutOnNextResponse();
        const failure = await flakyStore.appendToStream(streamId, 2, batch).catch((error: unknown) => error);
        await cut;
        expect(failure).toBeInstanceOf(EventStoreUnavailableError);
        expect(failure).toMatchObject({ retryable: true });
        // The server committed although the client saw an error.
        expect(await countsOf(streamId)).toEqual({ events: 4, outbox: 4, stream_version: 4 });

        const retried = await flakyStore.appendToStream(streamId, 2, batch);
        expect(retried.alreadyAppended).toBe(true);
        expect(retried.nextExpectedVersion).toBe(4);
        expect(await countsOf(streamId)).toEqual({ events: 4, outbox: 4, stream_version: 4 });
      }
    } finally {
      await sql.end({ timeout: 5 });
      await proxy.close();
    }
  });

  it('reads the whole log in (transaction, position) order from any position', async () => {
    const streamIds = [newStreamId(), newStreamId()];
    for (const streamId of streamIds) await store.appendToStream(streamId, 0, [newEvent(), newEvent()]);

    const lastBefore = await db.sql<{ tx_id: string; global_position: string }[]>`
      SELECT tx_id, global_position FROM events WHERE stream_id = ${streamIds[0] ?? ''} ORDER BY global_position LIMIT 1`;
    const after = { txId: lastBefore[0]?.tx_id ?? '0', globalPosition: Number(lastBefore[0]?.global_position) };
    const ours = await pollUntil(
      async () => (await store.readAll(after, 1000)).filter((event) => streamIds.includes(event.streamId)),
      (events) => events.length === 3,
      { what: 'both streams become readable from the log' },
    );
    expect(ours.map((event) => [event.streamId, event.streamVersion])).toEqual([
      [streamIds[0], 2],
      [streamIds[1], 1],
      [streamIds[1], 2],
    ]);
    const page = await store.readAll(logPositionOf(ours[0] as RecordedEvent), 1);
    expect(page[0]?.eventId).toBe(ours[1]?.eventId);
  });

  it('appends inside the caller transaction, committing or rolling back with it', async () => {
    const kept = newStreamId();
    const dropped = newStreamId();
    await db.sql.begin(async (tx) => {
      await store.appendToStream(kept, 0, [newEvent()], { transaction: tx });
    });
    const rollback = db.sql.begin(async (tx) => {
      await store.appendToStream(dropped, 0, [newEvent()], { transaction: tx });
      throw new RollBack();
    });
    // Only the deliberate roll-back may end it: a failing append would reject with its own error.
    await expect(rollback).rejects.toBeInstanceOf(RollBack);
    expect(await countsOf(kept)).toEqual({ events: 1, outbox: 1, stream_version: 1 });
    expect(await countsOf(dropped)).toEqual({ events: 0, outbox: 0, stream_version: null });
  });

  it('appends to one stream twice inside one caller transaction', async () => {
    const streamId = newStreamId();
    await db.sql.begin(async (tx) => {
      await store.appendToStream(streamId, 0, [newEvent()], { transaction: tx });
      await store.appendToStream(streamId, 1, [newEvent(), newEvent()], { transaction: tx });
    });
    expect(await countsOf(streamId)).toEqual({ events: 3, outbox: 3, stream_version: 3 });
  });

  it('uses the event ids it was given, in lower case', async () => {
    const streamId = newStreamId();
    const eventId = randomUUID().toUpperCase();
    await store.appendToStream(streamId, 0, [{ ...newEvent(), eventId }]);
    const [event] = await store.readStream(streamId);
    expect(event?.eventId).toBe(eventId.toLowerCase());
  });
});
