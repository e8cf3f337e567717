import postgres, { type Sql } from 'postgres';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
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
  /** Applies a test holds back; released before its consumers stop, even when the test failed. */
  const releases: Array<() => void> = [];

  beforeAll(() => {
    kafka = createKafka({ brokers: requireEnv('KAFKA_BROKERS').split(','), clientId: 'consumer-test', logger, quiet: true });
    superuser = postgres(requireEnv('SUPERUSER_DATABASE_URL'), { max: 2, onnotice: () => undefined });
    sql = postgres(requireEnv('DATABASE_URL'), { max: 8, onnotice: () => undefined });
  });

  afterEach(async () => {
    for (const release of releases.splice(0)) release();
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

  // Both forms of the processed-event record: a row per event id, and a mark per episode (docs/consumers.md).
  describe.each([['event-id'], ['stream-version']] as const)('with the processed-event record by %s', (exactlyOnceBy) => {
    it('given the same events delivered again (re-published, and re-read from offset 0 by a new group member), then each is applied exactly once', async () => {
      const { suffix, topics, table } = await setUp();
      const events = eventsFor(suffix, 10, 20);
      const name = `test-redelivery-${suffix}`;
      await publish(kafka, topics.events, events);
      const first = await start({ name, topics, apply: table.apply, exactlyOnceBy });
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
      const again = await start({ name, topics, apply: table.apply, exactlyOnceBy });
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

    it.each([['apply'], ['applyMany']])(
      'given an event whose %s keeps failing, then after maxAttempts it is on the dead-letter topic with its key, value, headers and the cause; after the fix a replay applies it once and nothing twice',
      async (how) => {
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
        // applyMany fails for a whole run that holds the poison; one by one, apply finds it.
        const applyMany: EpisodeEventConsumerOptions['applyMany'] = async (tx, many) => {
          if (!fixed && many.some((event) => event.eventId === poison.eventId)) throw new RefusedByTheTest('run refused');
          await table.applyMany(tx, many);
        };
        await publish(kafka, topics.events, events);
        const consumer = await start({ name, topics, apply, exactlyOnceBy, maxAttempts: 3, ...(how === 'applyMany' && { applyMany }) });
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
      },
    );

    it('given a message no consumer can read, then it is dead-lettered at once (no attempt to apply) and the events after it are applied', async () => {
      const { suffix, topics, table } = await setUp(1);
      const [before, after] = eventsFor(suffix, 1, 2);
      if (before === undefined || after === undefined) throw new Error('the test needs two events');
      const unreadable = { ...eventMessage(after), value: 'not JSON', headers: { ...eventMessage(after).headers, ce_id: 'not-a-uuid' } };
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: topics.events, messages: [eventMessage(before), unreadable, eventMessage(after)] });
      await producer.disconnect();
      const consumer = await start({ name: `test-unreadable-${suffix}`, topics, apply: table.apply, exactlyOnceBy });

      await pollUntil(
        () => table.total(),
        (total) => total === 2,
        { what: 'the readable events applied', timeoutMs: 60_000 },
      );
      const [letter] = await readTopic(topics.deadLetter, 1);
      expect(letter?.headers?.[deadLetterHeaderNames.error]?.toString()).toBe('UnreadableEpisodeEventError');
      expect(letter?.headers?.[deadLetterHeaderNames.attempts]?.toString()).toBe('0');
      expect(letter?.value?.toString()).toBe('not JSON');
      expect(consumer.status()).toMatchObject({ applied: 2, deadLettered: 1 });
    });

    it('given 10,000 events while consumers join and leave the group (1, then 3, one stopped, one restarted), then every event is applied exactly once, in order per episode', async () => {
      const { suffix, topics, table } = await setUp();
      const events = eventsFor(suffix, 100, 100);
      const name = `test-rebalance-${suffix}`;
      const member = () => start({ name, topics, apply: table.apply, exactlyOnceBy, transactionSize: 20 });
      const applied = (atLeast: number, what: string) =>
        pollUntil(
          () => table.total(),
          (total) => total >= atLeast,
          { what, timeoutMs: 90_000, intervalMs: 100 },
        );

      const first = await member();
      // Traffic: 100 events every 50 ms, so the group changes while messages keep coming.
      let sent = 0;
      const traffic = (async () => {
        for (; sent < events.length; sent += 100) {
          await publish(kafka, topics.events, events.slice(sent, sent + 100));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      await applied(1_000, '1,000 events applied by the first member');
      const second = await member();
      const third = await member();
      await applied(3_000, '3,000 events applied');
      await stop(first);
      const sentWhenFirstLeft = sent;
      await applied(5_000, '5,000 events applied after a member left');
      await stop(second);
      const restarted = await member();
      await traffic;
      await applied(events.length, 'every event applied');

      // Whatever is still redelivered after a rebalance must change nothing.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await expectEachAppliedOnce(
        table,
        events.map((event) => event.eventId),
      );
      expect(await table.total()).toBe(events.length);
      expect(await table.outOfOrderEpisodes()).toEqual([]);
      expect(third.status().partitions.length + restarted.status().partitions.length).toBe(6);
      // The group changed while traffic still came.
      expect(sentWhenFirstLeft).toBeLessThan(events.length);
    });
  });

  it('given a consumer by stream version, then a gap is applied over, an event below the mark is a duplicate, and a message without its stream version is unreadable', async () => {
    const { suffix, topics, table } = await setUp(1);
    const [first, second, third, fourth, fifth] = eventsFor(suffix, 1, 5);
    if (!first || !second || !third || !fourth || !fifth) throw new Error('the test needs five events');
    const withoutVersion = eventMessage(fifth);
    const { careflow_stream_version: _dropped, ...headers } = withoutVersion.headers as Record<string, string>;
    const producer = kafka.producer();
    await producer.connect();
    // Versions 1, 2, 4 (a gap: 3 never came in order), then 3 late, then 5 without its version header.
    await producer.send({
      topic: topics.events,
      messages: [eventMessage(first), eventMessage(second), eventMessage(fourth), eventMessage(third), { ...withoutVersion, headers }],
    });
    await producer.disconnect();
    const consumer = await start({ name: `test-versions-${suffix}`, topics, apply: table.apply, exactlyOnceBy: 'stream-version' });
    await pollUntil(
      async () => consumer.status(),
      (status) => status.applied + status.duplicates + status.deadLettered === 5,
      { what: 'every message handled', timeoutMs: 60_000 },
    );
    expect(consumer.status()).toMatchObject({ applied: 3, duplicates: 1, deadLettered: 1 });
    await expectEachAppliedOnce(table, [first.eventId, second.eventId, fourth.eventId]);
    const [letter] = await readTopic(topics.deadLetter, 1);
    expect(letter?.headers?.[deadLetterHeaderNames.error]?.toString()).toBe('UnreadableEpisodeEventError');
  });

  it('given a consumer that makes no progress while messages wait, then it reports itself stalled (status and gauge), and recovers once it moves', async () => {
    const { suffix, topics, table } = await setUp(1);
    const registry = new Registry();
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    releases.push(() => release());
    const consumer = await start({
      name: `test-stalled-${suffix}`,
      topics,
      metrics: registry,
      stalledAfterMs: 1_000,
      apply: async (tx, event) => {
        await blocked;
        await table.apply(tx, event);
      },
    });
    await publish(kafka, topics.events, eventsFor(suffix, 1, 5));
    await pollUntil(
      async () => consumer.status(),
      (status) => status.stalled,
      { what: 'the consumer reports a stall', timeoutMs: 30_000 },
    );
    expect(consumer.status().lag).toBeGreaterThan(0);
    expect(await registry.getSingleMetricAsString('careflow_consumer_stalled')).toContain(
      `careflow_consumer_stalled{consumer="test-stalled-${suffix}"} 1`,
    );

    release();
    await pollUntil(
      async () => consumer.status(),
      (status) => !status.stalled && status.lag === 0 && status.applied === 5,
      { what: 'the consumer catches up and is no longer stalled', timeoutMs: 30_000 },
    );
    const metrics = await registry.metrics();
    expect(metrics).toContain(`careflow_consumer_processed_events_total{consumer="test-stalled-${suffix}",outcome="applied"} 5`);
    expect(metrics).toContain(`careflow_consumer_lag_messages{consumer="test-stalled-${suffix}"} 0`);
  });

  it('given kafkajs crashes the consumer and will not restart it, then onFatal is called once with the error', async () => {
    const { suffix, topics } = await setUp(1);
    // A client whose crashes are final (what kafkajs does after a non-retriable error) and a
    // dead-letter topic that does not exist: the first unreadable message crashes the consumer.
    const fragile = new Kafka({
      brokers: requireEnv('KAFKA_BROKERS').split(','),
      clientId: 'consumer-crash-test',
      logLevel: logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1_000, restartOnFailure: async () => false },
    });
    const fatal: Error[] = [];
    const consumer = await start({
      name: `test-crash-${suffix}`,
      kafka: fragile,
      topics: { events: topics.events, deadLetter: `${topics.deadLetter}.missing` },
      apply: async () => undefined,
      onFatal: (error) => fatal.push(error),
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topics.events, messages: [{ key: 'episode', value: 'not an integration event' }] });
    await producer.disconnect();

    await pollUntil(
      async () => fatal.length,
      (count) => count > 0,
      { what: 'the crash reported as fatal', timeoutMs: 60_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(fatal).toHaveLength(1);
    expect(consumer.status().applied).toBe(0);
  });
});
