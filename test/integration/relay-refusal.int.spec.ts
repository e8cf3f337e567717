import { Writable } from 'node:stream';
import type { Kafka } from 'kafkajs';
import { createLogger } from '@careflow/config';
import { createKafka } from '@careflow/messaging';
import { pollUntil } from '@careflow/event-store/testing';
import { startRelay } from '@careflow/relay/src/relay';
import type { RelayMessage } from '@careflow/relay/src/episode-messages';
import { requireEnv, uniqueSuffix } from '../support/env';
import { createTestTopics, type TestTopics } from '../support/consumer-rig';
import { appendTraffic, deliveryProblems, eventStoreFor, openPrivateDatabase, readTopic, type PrivateDatabase } from '../support/relay-rig';

/** Larger than the broker's largest message (message.max.bytes, about 1 MB by default). */
const oversized = 'x'.repeat(2_000_000);

describe('the relay when Kafka refuses a row', () => {
  let kafka: Kafka;
  let database: PrivateDatabase;
  let topics: TestTopics;
  const suffix = uniqueSuffix();

  beforeAll(async () => {
    kafka = createKafka({
      brokers: requireEnv('KAFKA_BROKERS').split(','),
      clientId: 'relay-refusal-test',
      logger: createLogger('t', 'silent'),
      quiet: true,
    });
    database = await openPrivateDatabase(`relay_refusal_${suffix}`);
    topics = await createTestTopics(kafka, `relay-refusal-${suffix}`, 3);
  });

  afterAll(async () => {
    await topics.remove();
    await database.close();
  });

  it('given a row the broker refuses (too large), then after the bounded attempts it goes to the dead-letter topic and every other row is published in order, with one log line per state change', async () => {
    const store = eventStoreFor(database.sql, topics.events);
    const appended = await appendTraffic(store, { episodes: 4, concurrency: 2 });
    const [refusedEpisode, ids] = [...appended][1] ?? [];
    const refusedId = ids?.[3];
    if (refusedEpisode === undefined || ids === undefined || refusedId === undefined) throw new Error('the test needs a fourth event');

    const lines: Array<{ msg: string; eventId?: string; code?: string }> = [];
    const logger = createLogger(
      'relay-test',
      'info',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as { msg: string });
          done();
        },
      }),
    );
    const relay = startRelay({
      sql: database.sql,
      kafka,
      leadership: { isLeader: () => true, untilLeader: async () => undefined, stop: async () => undefined },
      // Plain messages of the row's ids; one of them too large for the broker.
      messagesOf: async (rows) =>
        rows.map((row): RelayMessage => ({
          kind: 'publish',
          topic: row.topic,
          message: {
            key: row.key,
            value: row.event.eventId === refusedId ? oversized : '{}',
            headers: { ce_id: row.event.eventId, ce_subject: row.key },
          },
        })),
      logger,
      batchSize: 20,
      pollIntervalMs: 20,
      maxBackoffMs: 200,
      maxRefusals: 3,
      deadLetterTopic: topics.deadLetter,
    });
    const reader = await readTopic(kafka, topics.events);
    const letters = await readTopic(kafka, topics.deadLetter);
    try {
      const total = [...appended.values()].reduce((sum, list) => sum + list.length, 0);
      await pollUntil(
        async () => {
          const [row] = await database.sql<{ depth: number }[]>`SELECT count(*)::int AS depth FROM outbox`;
          return {
            depth: row?.depth,
            onTopic: new Set(reader.messages.map((message) => message.ceId)).size,
            letters: letters.messages.length,
          };
        },
        (seen) => seen.depth === 0 && seen.onTopic === total - 1 && seen.letters === 1,
        { what: 'the outbox drained, every row but the refused one on the topic, the refused one dead-lettered', timeoutMs: 90_000 },
      );

      const withoutRefused = new Map([...appended].map(([episodeId, list]) => [episodeId, list.filter((id) => id !== refusedId)]));
      expect(deliveryProblems(withoutRefused, reader.messages)).toEqual([]);
      expect(letters.messages[0]).toMatchObject({ key: refusedEpisode, ceId: refusedId });
      const refusedLines = lines.filter((line) => line.msg === 'Kafka refused an outbox row: sent to the dead-letter topic');
      expect(refusedLines).toEqual([expect.objectContaining({ eventId: refusedId, code: expect.stringMatching(/TOO_LARGE/) })]);
      // Refused: once for the batch, once for the row alone; never a line per attempt.
      expect(lines.filter((line) => line.msg.startsWith('Kafka refuses a batch')).length).toBeLessThanOrEqual(2);
      expect(lines.filter((line) => line.msg.startsWith('Kafka lost'))).toEqual([]);
    } finally {
      await relay.stop();
      await reader.stop();
      await letters.stop();
    }
  });
});
