/**
 * Part of `npm run bench -- pipeline`: the billing consumer's events/s (the consumer framework with
 * billing's apply, one transaction per event, on billing's own role) against a bare kafkajs `eachBatch`
 * that upserts the same charge-day rows with one multi-row statement per batch, both reading the same
 * integration events from the beginning of one topic, in one private database.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import type { Logger } from 'pino';
import type { Kafka, Message } from 'kafkajs';
import { episodeEventMessage, readEpisodeEventMessage, toIntegrationEvent } from '@careflow/contracts';
import { medicareLikePayerSettings } from '@careflow/domain';
import { ensureTopics, startEpisodeEventConsumer, type EpisodeEventConsumerOptions } from '@careflow/messaging';
import { applyBillingEvent, applyBillingEvents } from '@careflow/billing/src/apply';
import { decidedEpisode, type PrivateDatabase } from '../support/relay-rig';
import { round, type BenchContext, type BenchRow } from './bench';

// 18 events each: enough that the peer runs for more than a moment (its figure swung 2x over 5,400 events).
const billingEpisodes = 1000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Each episode's integration events as the relay publishes them. */
const episodeMessages = (stamp: string): Message[] =>
  Array.from({ length: billingEpisodes }, (_, index) => {
    const episodeId = `episode-bench-billing-${stamp}-${index}`;
    const patientKey = randomBytes(32).toString('hex');
    return decidedEpisode(`mrn-${episodeId}`).map((event, position) => {
      const message = episodeEventMessage(
        {
          key: episodeId,
          source: 'careflow/bench',
          event: {
            eventId: randomUUID(),
            streamId: episodeId,
            streamVersion: position + 1,
            globalPosition: position + 1,
            type: event.type,
            metadata: { occurredAt: event.occurredAt },
          },
        },
        toIntegrationEvent(event, { episodeId, patientKey }),
      );
      return { key: message.key, value: message.value, headers: { ...message.headers } };
    });
  }).flat();

/** The charge day an event would touch, as the peer upserts it (billing derives the same days). */
const chargeDay = (message: Parameters<typeof readEpisodeEventMessage>[0]) => {
  const event = readEpisodeEventMessage(message);
  if (event.type === 'SessionRecorded')
    return { episode_id: event.data.episodeId, service_date: event.data.date, lines: JSON.stringify(event.data.lines) };
  if (event.type === 'AssessmentRecorded' && event.data.evaluationCode !== undefined) {
    return {
      episode_id: event.data.episodeId,
      service_date: event.data.assessedOn,
      lines: JSON.stringify([{ code: event.data.evaluationCode }]),
    };
  }
  return undefined;
};

export const billingConsumerBench = async (
  { log }: BenchContext,
  { kafka, database, stamp, logger }: { kafka: Kafka; database: PrivateDatabase; stamp: string; logger: Logger },
): Promise<BenchRow[]> => {
  const topic = `careflow.bench-pipeline-billing-${stamp}`;
  await ensureTopics(kafka, [
    { name: topic, partitions: 6, retentionDays: 1 },
    { name: `${topic}.dlq`, partitions: 1, retentionDays: 1 },
  ]);
  const owner = postgres(database.ownerUrl, { max: 1, onnotice: () => undefined });
  const billingSql = postgres(database.billingUrl, { max: 4, onnotice: () => undefined });
  const peerSql = postgres(database.appUrl, { max: 4, onnotice: () => undefined });
  try {
    await owner`INSERT INTO payers (payer_id, settings) VALUES ('payer-1', ${JSON.stringify(medicareLikePayerSettings)}::text::jsonb)`;
    await owner`INSERT INTO therapists (therapist_id, department_id, profile, provider_type) VALUES ('t-1', 'department-1', '{}', 'physical-therapist')`;
    await owner`CREATE TABLE bench_billing_peer (episode_id text, service_date date, lines jsonb, PRIMARY KEY (episode_id, service_date))`;
    await owner.unsafe(`GRANT SELECT, INSERT, UPDATE ON bench_billing_peer TO ${decodeURIComponent(new URL(database.appUrl).username)}`);
    const messages = episodeMessages(stamp);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let start = 0; start < messages.length; start += 1000) {
      await producer.send({ topic, acks: -1, messages: messages.slice(start, start + 1000) });
    }
    await producer.disconnect();
    const total = messages.length;
    log(`billing: ${total} integration events on the topic`);

    /** A consumer-framework run over the whole topic, timed from the first event applied to the last. */
    const consume = async (
      name: string,
      apply: EpisodeEventConsumerOptions['apply'],
      applyMany?: EpisodeEventConsumerOptions['applyMany'],
    ) => {
      let first: number | undefined;
      const consumer = await startEpisodeEventConsumer({
        name: `bench-${name}-${stamp}`,
        kafka,
        sql: billingSql,
        logger,
        topics: { events: topic, deadLetter: `${topic}.dlq` },
        apply: (tx, event) => {
          first ??= performance.now();
          return apply(tx, event);
        },
        ...(applyMany && {
          applyMany: (tx, events) => {
            first ??= performance.now();
            return applyMany(tx, events);
          },
        }),
      });
      while (consumer.status().applied + consumer.status().deadLettered < total) await sleep(5);
      const perSecond = (total / (performance.now() - (first ?? 0))) * 1000;
      const { deadLettered } = consumer.status();
      await consumer.stop();
      return { perSecond, deadLettered };
    };
    // Ours: the framework with billing's apply.
    const ours = await consume('billing', applyBillingEvent, applyBillingEvents);
    // Where the time goes: the framework alone (its transaction and processed-event record per event).
    const framework = await consume('empty', async () => undefined);
    const oursPerSecond = ours.perSecond;
    const deadLettered = ours.deadLettered;

    // The peer: kafkajs alone, one multi-row upsert of the batch's charge days.
    let peerFirst: number | undefined;
    let peerSeen = 0;
    const peer = kafka.consumer({ groupId: `bench-billing-peer-${stamp}` });
    await peer.connect();
    await peer.subscribe({ topics: [topic], fromBeginning: true });
    await peer.run({
      eachBatch: async ({ batch }) => {
        peerFirst ??= performance.now();
        const days = new Map<string, NonNullable<ReturnType<typeof chargeDay>>>();
        for (const message of batch.messages) {
          const day = chargeDay(message);
          if (day) days.set(`${day.episode_id}|${day.service_date}`, day);
        }
        if (days.size > 0) {
          await peerSql`
            INSERT INTO bench_billing_peer ${peerSql([...days.values()])}
            ON CONFLICT (episode_id, service_date) DO UPDATE SET lines = EXCLUDED.lines`;
        }
        peerSeen += batch.messages.length;
      },
    });
    while (peerSeen < total) await sleep(5);
    const peerPerSecond = (total / (performance.now() - (peerFirst ?? 0))) * 1000;
    await peer.disconnect();

    const [charges] = await owner<{ count: number }[]>`SELECT count(*)::int AS count FROM billing_charges`;
    log(
      `billing consumer ${round(oursPerSecond, 0)} events/s (${charges?.count ?? 0} charge sets, ${deadLettered} dead-lettered), framework with an empty apply ${round(framework.perSecond, 0)} events/s, bare eachBatch upsert ${round(peerPerSecond, 0)} events/s`,
    );
    return [
      {
        metric: 'billing consumer, integration events applied (events/s)',
        ours: round(oursPerSecond, 0),
        peer: round(peerPerSecond, 0),
        peerName: 'kafkajs eachBatch with one multi-row upsert of the same charge days',
        ratio: round(oursPerSecond / peerPerSecond, 3),
        target: '>= 0.7',
      },
      {
        metric: 'consumer framework with an empty apply: its transactions and processed-event records alone (events/s)',
        ours: round(framework.perSecond, 0),
        peer: round(peerPerSecond, 0),
        peerName: 'kafkajs eachBatch with one multi-row upsert of the same charge days',
        ratio: round(framework.perSecond / peerPerSecond, 3),
        target: null,
      },
    ];
  } finally {
    await owner.end({ timeout: 5 });
    await billingSql.end({ timeout: 5 });
    await peerSql.end({ timeout: 5 });
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
    await admin.disconnect();
  }
};
