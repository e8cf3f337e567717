import postgres, { type Sql } from 'postgres';
import type { Kafka, Producer } from 'kafkajs';
import { createLogger } from '@careflow/config';
import { pollUntil } from '@careflow/event-store/testing';
import { createKafka, startEpisodeEventConsumer, type EpisodeEventConsumer } from '@careflow/messaging';
import { requireEnv, uniqueSuffix } from '../support/env';
import { createTestTable, createTestTopics, eventMessage, eventsFor, type SentEvent } from '../support/consumer-rig';
import { privateBroker, type PrivateBroker } from '../support/private-broker';

const logger = createLogger('consumer-outage-test', 'silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `events` in order, 50 at a time, about `perSecond`; a send that fails (the broker is down) is
 * repeated with a new producer until it is acknowledged, as the relay does, so nothing is skipped and
 * an episode's events keep their order (a repeated send may add duplicates, never reorder).
 */
const sendSteadily = async (kafka: Kafka, topic: string, events: readonly SentEvent[], perSecond: number): Promise<void> => {
  let producer: Producer | undefined;
  for (let start = 0; start < events.length; start += 50) {
    const messages = events.slice(start, start + 50).map(eventMessage);
    for (;;) {
      try {
        producer ??= kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        await producer.send({ topic, acks: -1, messages });
        break;
      } catch {
        await producer?.disconnect().catch(() => undefined);
        producer = undefined;
        await sleep(500);
      }
    }
    await sleep((50 / perSecond) * 1000);
  }
  await producer?.disconnect();
};

/**
 * The broker stopped for 30 s while events flow and a consumer applies them, then started again: a
 * broker of the test's own, so the shared one keeps serving the other suites.
 */
describe('a consumer through a Kafka outage', () => {
  let broker: PrivateBroker;
  let superuser: Sql;
  let sql: Sql;

  beforeAll(async () => {
    broker = await privateBroker('consumer-outage');
    superuser = postgres(requireEnv('SUPERUSER_DATABASE_URL'), { max: 2, onnotice: () => undefined });
    sql = postgres(requireEnv('DATABASE_URL'), { max: 4, onnotice: () => undefined });
  });

  afterAll(async () => {
    await sql.end({ timeout: 5 });
    await superuser.end({ timeout: 5 });
    await broker.remove();
  });

  it('given the broker stopped for 30 s during traffic and started again, then nothing is lost, each event is applied once, in order per episode, and the consumer catches up', async () => {
    const suffix = uniqueSuffix();
    const kafka = createKafka({ brokers: [broker.brokers], clientId: 'consumer-outage-test', logger, quiet: true });
    const topics = await createTestTopics(kafka, suffix, 3);
    const table = await createTestTable(superuser, suffix, decodeURIComponent(new URL(requireEnv('DATABASE_URL')).username));
    const events = eventsFor(suffix, 30, 100);
    const name = `test-outage-${suffix}`;
    let consumer: EpisodeEventConsumer | undefined;
    let restarts = 0;
    // The supervisor's part: a consumer kafkajs gave up on is started again (the app would exit and be restarted).
    const supervise = async (): Promise<void> => {
      consumer = await startEpisodeEventConsumer({
        name,
        kafka,
        sql,
        logger,
        topics,
        lagIntervalMs: 1_000,
        apply: table.apply,
        onFatal: () => {
          restarts += 1;
          const crashed = consumer;
          void crashed
            ?.stop()
            .catch(() => undefined)
            .then(supervise);
        },
      });
    };
    await supervise();
    const traffic = sendSteadily(kafka, topics.events, events, 100);
    try {
      await pollUntil(
        () => table.total(),
        (total) => total >= 500,
        { what: 'traffic applied before the outage', timeoutMs: 60_000 },
      );
      await broker.stop();
      const appliedWhenStopped = await table.total();
      await sleep(30_000);
      await broker.start();
      await traffic;
      expect(appliedWhenStopped).toBeLessThan(events.length);

      await pollUntil(
        () => table.total(),
        (total) => total >= events.length,
        { what: 'every event applied after the outage', timeoutMs: 240_000, intervalMs: 500 },
      );
      await pollUntil(
        async () => consumer?.status(),
        (status) => status?.lag === 0,
        { what: 'the consumer caught up (no lag)', timeoutMs: 120_000, intervalMs: 500 },
      );
      const counts = await table.appliedCounts();
      expect([...counts.values()].filter((count) => count !== 1)).toEqual([]);
      expect(new Set(counts.keys())).toEqual(new Set(events.map((event) => event.eventId)));
      expect(await table.outOfOrderEpisodes()).toEqual([]);
      process.stdout.write(`consumer outage: ${restarts} restarts by the supervisor\n`);
    } finally {
      await traffic.catch(() => undefined);
      await consumer?.stop().catch(() => undefined);
      await topics.remove();
      await table.drop();
    }
  });
});
