import postgres, { type Sql } from 'postgres';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { createLogger } from '@careflow/config';
import { pollUntil } from '@careflow/event-store/testing';
import {
  createKafka,
  deadLetterHeaderNames,
  replayDeadLetters,
  startEpisodeEventConsumer,
  type EpisodeEventConsumer,
  type EpisodeEventConsumerOptions,
} from '@careflow/messaging';
import { requireEnv, uniqueSuffix } from '../support/env';
import {
  createTestTable,
  createTestTopics,
  eventMessage,
  eventsFor,
  publish,
  type TestTable,
  type TestTopics,
} from '../support/consumer-rig';

const logger = createLogger('consumer-test', 'silent');
const roleOf = (url: string): string => decodeURIComponent(new URL(url).username);

describe('the episode-event consumer framework, on the real broker and database', () => {
  let kafka: Kafka;
  let superuser: Sql;
  let sql: Sql;
  const running: EpisodeEventConsumer[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(() => {
    kafka = createKafka({ brokers: requireEnv('KAFKA_BROKERS').split(','), clientId: 'consumer-test', logger, quiet: true });
    superuser = postgres(requireEnv('SUPERUSER_DATABASE_URL'), { max: 2, onnotice: () => undefined });
    sql = postgres(requireEnv('DATABASE_URL'), { max: 8, onnotice: () => undefined });
  });

  afterEach(async () => {
    for (const consumer of running.splice(0)) await consumer.stop();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  afterAll(async () => {
    await sql.end({ timeout: 5 });
    await superuser.end({ timeout: 5 });
  });

  const setUp = async (partitions = 6): Promise<{ suffix: string; topics: TestTopics; table: TestTable }> => {
    const suffix = uniqueSuffix();
    const topics = await createTestTopics(kafka, suffix, partitions);
    const table = await createTestTable(superuser, suffix, roleOf(requireEnv('DATABASE_URL')));
    cleanups.push(
      () => topics.remove(),
      () => table.drop(),
    );
    return { suffix, topics, table };
  };

  const start = async (
    options: Pick<EpisodeEventConsumerOptions, 'name' | 'topics' | 'apply'> & Partial<EpisodeEventConsumerOptions>,
  ): Promise<EpisodeEventConsumer> => {
    const consumer = await startEpisodeEventConsumer({
      kafka,
      sql,
      logger,
      maxAttempts: 3,
      retryDelayMs: { first: 20, longest: 100 },
      lagIntervalMs: 500,
      ...options,
    });
    running.push(consumer);
    return consumer;
  };

  const stop = async (consumer: EpisodeEventConsumer): Promise<void> => {
    running.splice(running.indexOf(consumer), 1);
    await consumer.stop();
  };

  /** Every message on a topic, read by a group of the test's own until `count` arrived. */
  const readTopic = async (topic: string, count: number): Promise<KafkaMessage[]> => {
    const messages: KafkaMessage[] = [];
    const reader = kafka.consumer({ groupId: `test-reader-${uniqueSuffix()}` });
    await reader.connect();
    try {
      await reader.subscribe({ topics: [topic], fromBeginning: true });
      await reader.run({
        eachMessage: async ({ message }) => {
          messages.push(message);
        },
      });
      await pollUntil(
        async () => messages.length,
        (length) => length >= count,
        { what: `${count} messages on ${topic}`, timeoutMs: 60_000 },
      );
    } finally {
      await reader.disconnect();
    }
    return messages;
  };

  const expectEachAppliedOnce = async (table: TestTable, eventIds: readonly string[]): Promise<void> => {
    const counts = await table.appliedCounts();
    expect([...counts.values()].filter((count) => count !== 1)).toEqual([]);
    expect(new Set(counts.keys())).toEqual(new Set(eventIds));
  };

  it('given the same events delivered again (re-published, and re-read from offset 0 by a new group member), then each is applied exactly once', async () => {
    const { suffix, topics, table } = await setUp();
    const events = eventsFor(suffix, 10, 20);
    const name = `test-redelivery-${suffix}`;
    await publish(kafka, topics.events, events);
    const first = await start({ name, topics, apply: table.apply });
    await pollUntil(
      () => table.total(),
      (total) => total === events.length,
      { what: 'every event applied', timeoutMs: 60_000 },
    );
    await stop(first);

    // The same messages again on the topic, and the group's offsets reset to the start: everything comes again.
    await publish(kafka, topics.events, events);
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: `careflow.${name}`, topic: topics.events, earliest: true });
    await admin.disconnect();
    const again = await start({ name, topics, apply: table.apply });
    await pollUntil(
      async () => again.status().duplicates,
      (duplicates) => duplicates === events.length * 2,
      { what: 'both copies of every event seen again as duplicates', timeoutMs: 60_000 },
    );

    await expectEachAppliedOnce(
      table,
      events.map((event) => event.eventId),
    );
    expect(again.status()).toMatchObject({ applied: 0, deadLettered: 0 });
    expect(await table.outOfOrderEpisodes()).toEqual([]);
  });

  it('given an event whose apply keeps failing, then after maxAttempts it is on the dead-letter topic with its key, value, headers and the cause; after the fix a replay applies it once and nothing twice', async () => {
    const { suffix, topics, table } = await setUp();
    const events = eventsFor(suffix, 4, 5);
    const poison = events[9];
    if (poison === undefined) throw new Error('the test needs a tenth event');
    const name = `test-poison-${suffix}`;
    class RefusedByTheTest extends Error {
      override readonly name = 'RefusedByTheTest';
      readonly code = 'TEST_REFUSAL';
    }
    let fixed = false;
    let poisonAttempts = 0;
    const apply: EpisodeEventConsumerOptions['apply'] = async (tx, event) => {
      if (event.eventId === poison.eventId && !fixed) {
        poisonAttempts += 1;
        // The message must never reach the dead-letter headers or a log line.
        throw new RefusedByTheTest(`event for ${event.data.episodeId} refused`);
      }
      await table.apply(tx, event);
    };
    await publish(kafka, topics.events, events);
    const consumer = await start({ name, topics, apply, maxAttempts: 3 });
    await pollUntil(
      async () => ({ total: await table.total(), deadLettered: consumer.status().deadLettered }),
      (seen) => seen.total === events.length - 1 && seen.deadLettered === 1,
      { what: 'every event but the poison applied, the poison dead-lettered', timeoutMs: 60_000 },
    );
    expect(poisonAttempts).toBe(3);

    const [letter] = await readTopic(topics.deadLetter, 1);
    const original = eventMessage(poison);
    const header = (headerName: string): string | undefined => letter?.headers?.[headerName]?.toString();
    expect(letter?.key?.toString()).toBe(poison.episodeId);
    expect(letter?.value?.toString()).toBe(original.value);
    for (const [headerName, value] of Object.entries(original.headers ?? {})) expect(header(headerName)).toBe(value);
    expect(header(deadLetterHeaderNames.consumer)).toBe(name);
    expect(header(deadLetterHeaderNames.originalTopic)).toBe(topics.events);
    expect(header(deadLetterHeaderNames.error)).toBe('RefusedByTheTest');
    expect(header(deadLetterHeaderNames.errorCode)).toBe('TEST_REFUSAL');
    expect(header(deadLetterHeaderNames.attempts)).toBe('3');
    expect(JSON.stringify(letter?.headers)).not.toContain('refused');

    fixed = true;
    expect(await replayDeadLetters({ kafka, logger, consumer: name, deadLetterTopic: topics.deadLetter, dryRun: true })).toEqual({
      replayed: 1,
      skipped: 0,
    });
    expect(await replayDeadLetters({ kafka, logger, consumer: name, deadLetterTopic: topics.deadLetter })).toEqual({
      replayed: 1,
      skipped: 0,
    });
    await pollUntil(
      () => table.total(),
      (total) => total === events.length,
      { what: 'the replayed event applied', timeoutMs: 60_000 },
    );
    // A second replay finds nothing new: the replay group committed its offsets.
    expect(await replayDeadLetters({ kafka, logger, consumer: name, deadLetterTopic: topics.deadLetter })).toEqual({
      replayed: 0,
      skipped: 0,
    });
    await expectEachAppliedOnce(
      table,
      events.map((event) => event.eventId),
    );
    expect(consumer.status()).toMatchObject({ applied: events.length, deadLettered: 1 });
  });
});
