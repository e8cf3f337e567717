import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import pino from 'pino';
import postgres from 'postgres';
import { medicareLikePayerSettings } from '@careflow/domain';
import { createKafka, ensureTopics } from '@careflow/messaging';
import { pollUntil } from '@careflow/event-store/testing';
import { requireEnv, uniqueSuffix } from '../support/env';
import { freePort, killHard, startBuiltApp, waitForExit, waitForOutput } from '../support/processes';
import {
  appendTraffic,
  episodeEventsTopicFor,
  eventStoreFor,
  openPrivateDatabase,
  readTopic,
  type PrivateDatabase,
} from '../support/relay-rig';

const quietLogger = pino({ level: 'silent' });
const facility = 'test-facility';
const patientKeySecrets = `${facility}=${randomBytes(32).toString('base64')}`;

/** decidedEpisode: the evaluation (97162) on 2025-03-05 and eight daily sessions of 97140 from 2025-03-07. */
const chargeDaysPerEpisode = 9;
const chargesPerEpisode = 10_212 + 8 * 5_674;

const startRelay = (database: PrivateDatabase, brokers: string, extra: Record<string, string> = {}): ChildProcess =>
  startBuiltApp('relay', {
    PATH: process.env['PATH'],
    NODE_ENV: 'test',
    RELAY_DATABASE_URL: database.relayUrl,
    KAFKA_BROKERS: brokers,
    FACILITY_ID: facility,
    PATIENT_KEY_SECRETS: patientKeySecrets,
    HEALTH_PORT: '0',
    RELAY_LEADER_TIMEOUT_MS: '4000',
    LOG_LEVEL: 'info',
    ...extra,
  });

describe('billing as a process behind the relay, on the real Kafka and PostgreSQL', () => {
  const brokers = requireEnv('KAFKA_BROKERS');
  let database: PrivateDatabase;

  beforeAll(async () => {
    database = await openPrivateDatabase(`careflow_billing_${uniqueSuffix()}`);
  });
  afterAll(async () => {
    await database.close();
  });

  it('given the relay SIGKILLed between the broker’s ack and the outbox delete, 20 times during traffic, then billing holds exactly one charge set per session day', async () => {
    const topic = episodeEventsTopicFor('billing-kill');
    const chargesTopic = `${topic}.billing-charges`;
    const kafka = createKafka({ brokers: brokers.split(','), clientId: 'billing-kill-test', logger: quietLogger });
    await ensureTopics(kafka, [
      { name: topic, partitions: 3, retentionDays: 1 },
      { name: `${topic}.dlq`, partitions: 1, retentionDays: 1 },
      { name: chargesTopic, partitions: 3, retentionDays: 1 },
    ]);
    // The payer and the therapist of decidedEpisode, as the api's admin route and the directory would record them.
    const owner = postgres(database.ownerUrl, { max: 1, onnotice: () => undefined });
    await owner`INSERT INTO payers (payer_id, settings) VALUES ('payer-1', ${JSON.stringify(medicareLikePayerSettings)}::text::jsonb)`;
    await owner`INSERT INTO therapists (therapist_id, department_id, profile, provider_type) VALUES ('t-1', 'department-1', '{}', 'physical-therapist')`;
    await owner.end({ timeout: 5 });

    const consumerName = `billing-kill-${uniqueSuffix()}`;
    const healthPort = await freePort();
    const billing = startBuiltApp('billing', {
      PATH: process.env['PATH'],
      NODE_ENV: 'test',
      BILLING_DATABASE_URL: database.billingUrl,
      KAFKA_BROKERS: brokers,
      BILLING_CONSUMER_NAME: consumerName,
      BILLING_EVENTS_TOPIC: topic,
      BILLING_DEAD_LETTER_TOPIC: `${topic}.dlq`,
      BILLING_CHARGES_TOPIC: chargesTopic,
      HEALTH_PORT: String(healthPort),
      LOG_LEVEL: 'info',
    });
    let billingOutput = '';
    billing.stdout?.on('data', (chunk: Buffer) => (billingOutput += chunk.toString()));
    billing.stderr?.on('data', (chunk: Buffer) => (billingOutput += chunk.toString()));
    /** A failed wait names what billing logged last (its logs hold no PHI). */
    const withBillingOutput = (error: unknown): never => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nbilling logged:\n${billingOutput.slice(-4000)}`);
    };
    const events = await readTopic(kafka, topic);
    const charges = await readTopic(kafka, chargesTopic);
    const store = eventStoreFor(database.sql, topic);
    let kills = 0;
    let killsInWindow = 0;
    const traffic = appendTraffic(store, { episodes: 400, concurrency: 4, perSecond: 60, shouldStop: () => kills >= 20 });
    try {
      await waitForOutput(billing, /consumer joined its group/, 90_000);
      while (kills < 20) {
        // Each relay publishes one batch and pauses before deleting it: killed there, so the batch goes again.
        const relay = startRelay(database, brokers, { RELAY_TEST_PAUSE_AFTER_ACK_MS: '3000', RELAY_BATCH_SIZE: '40' });
        try {
          await waitForOutput(relay, /Kafka connected/, 60_000);
        } finally {
          await killHard(relay);
        }
        kills += 1;
        // The kill was in the window when the first row left in the outbox is already on the topic.
        const [waiting] = await database.sql<{ eventId: string }[]>`
          SELECT e.event_id::text AS "eventId" FROM outbox o JOIN events e ON e.global_position = o.global_position
          ORDER BY o.tx_id, o.global_position LIMIT 1`;
        const onTopic = await pollUntil(
          async () => waiting !== undefined && events.messages.some((message) => message.ceId === waiting.eventId),
          (seen) => seen,
          { what: 'the first waiting outbox row on the topic', timeoutMs: 10_000 },
        ).catch(() => false);
        if (onTopic) killsInWindow += 1;
      }
      expect(killsInWindow).toBeGreaterThanOrEqual(20);
      const appended = await traffic;
      const relay = startRelay(database, brokers);
      try {
        const [{ total } = { total: 0 }] = await database.sql<{ total: number }[]>`SELECT count(*)::int AS total FROM events`;
        await pollUntil(
          async () => {
            // Billing's processed-event record is a mark per episode: the events at or below it are processed.
            const [row] = await database.sql<{ count: number }[]>`
              SELECT count(*)::int AS count FROM consumer_stream_marks m
              JOIN events e ON e.stream_id = m.stream_id AND e.stream_version <= m.stream_version
              WHERE m.consumer = ${consumerName}`;
            return row?.count ?? 0;
          },
          (processed) => processed === total,
          { what: 'every appended event processed by billing', timeoutMs: 120_000 },
        ).catch(withBillingOutput);
        // The relay's redeliveries reached billing: more messages on the topic than events.
        expect(events.messages.length).toBeGreaterThan(total);
        const health = (await (await fetch(`http://127.0.0.1:${healthPort}/health`)).json()) as Record<string, { duplicates?: number }>;
        expect(health[consumerName]?.duplicates).toBeGreaterThan(0);

        const perEpisode = await database.sql<{ episodeId: string; days: number; versions: number; visits: number }[]>`
          SELECT c.episode_id AS "episodeId", count(*)::int AS days, max(c.version)::int AS versions,
                 (SELECT count(*)::int FROM billing_visits v WHERE v.episode_id = c.episode_id) AS visits
          FROM billing_charges c GROUP BY c.episode_id`;
        expect(perEpisode).toHaveLength(appended.size);
        expect(
          perEpisode.filter((row) => row.days !== chargeDaysPerEpisode || row.versions !== 1 || row.visits !== chargeDaysPerEpisode),
        ).toEqual([]);
        const yearToDate = await database.sql<{ chargesCents: number }[]>`
          SELECT charges_cents::int AS "chargesCents" FROM billing_year_to_date WHERE year = 2025`;
        expect(yearToDate).toHaveLength(appended.size);
        expect(yearToDate.filter((row) => row.chargesCents !== chargesPerEpisode)).toEqual([]);
        // One ChargeSetChanged per session day on careflow.billing-charges.v1 (the relay's duplicates changed nothing).
        await pollUntil(
          async () => new Set(charges.messages.map((message) => message.ceId)).size,
          (distinct) => distinct === appended.size * chargeDaysPerEpisode,
          { what: 'one billing message per charge set', timeoutMs: 60_000 },
        );
        expect(charges.messages.filter((message) => !message.ceId.endsWith(':1'))).toEqual([]);
      } finally {
        relay.kill('SIGTERM');
        await waitForExit(relay);
      }
    } finally {
      kills = 20;
      await traffic.catch(() => undefined);
      billing.kill('SIGTERM');
      await waitForExit(billing);
      await events.stop();
      await charges.stop();
    }
  });
});
