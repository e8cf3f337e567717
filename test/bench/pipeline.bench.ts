/**
 * The relay's pipeline: outbox → Kafka, on the local stack's PostgreSQL and Kafka, in one run.
 * - commit→ack throughput of the relay draining a full outbox, against kafkajs sending the same
 *   messages directly with the same producer settings (idempotent, acks all, one request in flight);
 * - commit→ack latency at a steady 500 events/s (appended one event per transaction);
 * - append throughput with each wake-up mechanism on against off: LISTEN/NOTIFY (a statement
 *   trigger on the outbox and a listening session) and polling (a read past the last row seen, every
 *   poll interval, as an idle leader runs it);
 * - the billing consumer's events/s against a bare kafkajs eachBatch upserting the same rows;
 * - the reporting rebuild's events/s from the event store, against the bare read of the same log.
 * Runs in a private database and on bench topics, so it never touches other suites' rows or topics.
 */
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import pino from 'pino';
import { Partitioners, type Message } from 'kafkajs';
import { closeDatabaseClient, createDatabaseClient, readOutbox, startOfLog, type OutboxMessage } from '@careflow/event-store';
import { createKafka, ensureTopics, patientKeyring } from '@careflow/messaging';
import { createEpisodeMessages } from '@careflow/relay/src/episode-messages';
import { startRelay } from '@careflow/relay/src/relay';
import { appendTraffic, decidedEpisode, eventStoreFor, openPrivateDatabase, storedEvent, type PrivateDatabase } from '../support/relay-rig';
import { percentile, round, type BenchContext, type BenchRow } from './bench';
import { billingConsumerBench } from './billing-consumer';
import { reportingRebuildRow } from './reporting-rebuild';

const logger = pino({ level: 'warn' });
const facility = 'bench-facility';
const keyring = patientKeyring(new Map([[facility, Buffer.alloc(32, 7)]]));
const drainEpisodes = 600; // 18 events each: 10,800 events
const steadyRate = 500;
const steadySeconds = 12;
const appendSlotMs = 2000;
// Twelve rounds: with six, the poll's ratio moved between 0.90x and 0.96x over one evening's runs (docs/relay.md).
const appendRounds = 12;
const appendClients = 8;
const pollIntervalMs = 20;

const alwaysLeader = { isLeader: () => true, untilLeader: async () => undefined, stop: async () => undefined };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends whole episodes in one transaction each: fills the outbox fast for the drain race. */
const fillOutbox = async (database: PrivateDatabase, topic: string, episodes: number): Promise<number> => {
  const store = eventStoreFor(database.sql, topic);
  let next = 0;
  let events = 0;
  const worker = async (): Promise<void> => {
    while (next < episodes) {
      next += 1;
      const stored = decidedEpisode(`mrn-bench-${next}`).map(storedEvent);
      await store.appendToStream(`episode-bench-${topic}-${next}`, 0, stored);
      events += stored.length;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return events;
};

const throughputRow = (metric: string, ours: number, peerName: string, peer: number, target: string): BenchRow => ({
  metric,
  ours: round(ours, 0),
  peer: round(peer, 0),
  peerName,
  ratio: round(ours / peer, 3),
  target,
});

export default async function pipelineBench({ log }: BenchContext): Promise<BenchRow[]> {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const kafka = createKafka({ brokers, clientId: 'bench-pipeline', logger, quiet: true });
  const stamp = Date.now().toString(36);
  const relayTopic = `careflow.bench-pipeline-relay-${stamp}`;
  const directTopic = `careflow.bench-pipeline-direct-${stamp}`;
  await ensureTopics(
    kafka,
    [relayTopic, directTopic].map((name) => ({ name, partitions: 6, retentionDays: 1 })),
  );
  const database = await openPrivateDatabase(`careflow_bench_pipeline_${stamp}`);
  const relaySql = createDatabaseClient(database.relayUrl, { applicationName: 'bench-relay', maxConnections: 4 });
  const messages = createEpisodeMessages(relaySql, keyring, facility);
  const rows: BenchRow[] = [];
  try {
    // PIPELINE_BENCH_ONLY=billing runs the billing rows alone, for iterating on billing; the committed
    // results always come from a whole run.
    if (process.env['PIPELINE_BENCH_ONLY'] === 'billing') {
      rows.push(...(await billingConsumerBench({ log }, { kafka, database, stamp, logger })));
      return rows;
    }
    // 1. Drain: the relay against kafkajs alone, the same messages, the same producer settings.
    const total = await fillOutbox(database, relayTopic, drainEpisodes);
    log(`outbox filled with ${total} events`);
    const prepared: Message[][] = [];
    for (let position = startOfLog, batch: OutboxMessage[]; (batch = await readOutbox(relaySql, position, 500)).length > 0;) {
      const mapped = await messages.messagesOf(batch);
      prepared.push(
        mapped.flatMap((m) =>
          m.kind === 'publish' ? [{ key: m.message.key, value: m.message.value, headers: { ...m.message.headers } }] : [],
        ),
      );
      position = batch.at(-1)?.position ?? position;
    }
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const directStart = performance.now();
    for (const batch of prepared) await producer.sendBatch({ topicMessages: [{ topic: directTopic, messages: batch }], acks: -1 });
    const directPerSecond = (prepared.flat().length / (performance.now() - directStart)) * 1000;
    await producer.disconnect();

    let acked = 0;
    const drainStart = performance.now();
    const drainer = startRelay({
      sql: relaySql,
      kafka,
      leadership: alwaysLeader,
      messagesOf: (batch) => messages.messagesOf(batch),
      logger,
      batchSize: 500,
      pollIntervalMs: 20,
      maxBackoffMs: 1000,
      onPublished: (batch) => {
        acked += batch.length;
      },
    });
    while (acked < total) await sleep(5);
    const relayPerSecond = (total / (performance.now() - drainStart)) * 1000;
    log(`drain: relay ${round(relayPerSecond, 0)}/s, kafkajs direct ${round(directPerSecond, 0)}/s`);
    rows.push(
      throughputRow(
        'commit→ack throughput, outbox drained (events/s)',
        relayPerSecond,
        'kafkajs sendBatch of the same messages',
        directPerSecond,
        '>= 0.5',
      ),
    );

    // 2. Latency at a steady 500 events/s, one event per transaction, the relay already polling.
    const committedAt = new Map<string, number>();
    const readAt = new Map<string, number>();
    const latencies: number[] = [];
    const visibility: number[] = [];
    await drainer.stop();
    const steady = startRelay({
      sql: relaySql,
      kafka,
      leadership: alwaysLeader,
      messagesOf: (batch) => {
        const now = performance.now();
        for (const row of batch) if (!readAt.has(row.event.eventId)) readAt.set(row.event.eventId, now);
        return messages.messagesOf(batch);
      },
      logger,
      batchSize: 500,
      pollIntervalMs: 20,
      maxBackoffMs: 1000,
      onPublished: (batch) => {
        const now = performance.now();
        for (const row of batch) {
          const committed = committedAt.get(row.event.eventId);
          const read = readAt.get(row.event.eventId);
          if (committed !== undefined && read !== undefined) visibility.push(read - committed);
        }
        for (const row of batch) {
          const committed = committedAt.get(row.event.eventId);
          if (committed !== undefined) latencies.push(now - committed);
        }
      },
    });
    const store = eventStoreFor(database.sql, relayTopic);
    const steadyEnd = performance.now() + steadySeconds * 1000;
    const tracked = {
      ...store,
      appendToStream: async (...args: Parameters<typeof store.appendToStream>) => {
        const result = await store.appendToStream(...args);
        const now = performance.now();
        for (const event of args[2]) committedAt.set(event.eventId, now);
        return result;
      },
    };
    await appendTraffic(tracked, {
      episodes: 100_000,
      concurrency: 8,
      perSecond: steadyRate,
      shouldStop: () => performance.now() > steadyEnd,
    });
    while (latencies.length < committedAt.size && performance.now() < steadyEnd + 10_000) await sleep(20);
    await steady.stop();
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    log(`steady ${steadyRate}/s: ${latencies.length} events, p50 ${round(p50)} ms, p99 ${round(p99)} ms`);
    // Where the time goes: until the relay's read sees the row (polling and the gap guard, which waits
    // for every older transaction of the whole cluster), and the rest (mapping, Kafka's ack).
    log(`commit→read p50 ${round(percentile(visibility, 50))} ms, p99 ${round(percentile(visibility, 99))} ms`);
    rows.push({
      metric: `commit→ack p50 at ${steadyRate} events/s (ms)`,
      ours: round(p50),
      peer: null,
      peerName: null,
      ratio: null,
      target: null,
    });
    rows.push({
      metric: `commit→ack p99 at ${steadyRate} events/s (ms)`,
      ours: round(p99),
      peer: null,
      peerName: null,
      ratio: null,
      target: '< 100',
    });

    // 3. Append throughput: each wake-up mechanism on against off, in alternating slots.
    rows.push(...(await appendCost(log, database, relaySql, relayTopic)));

    // 4. The billing consumer against a bare eachBatch upsert (billing-consumer.ts).
    rows.push(...(await billingConsumerBench({ log }, { kafka, database, stamp, logger })));

    // 5. The reporting rebuild from the event store, in a database of its own.
    rows.push(await reportingRebuildRow(log));
  } finally {
    await closeDatabaseClient(relaySql);
    await database.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [relayTopic, directTopic] }).catch(() => undefined);
    await admin.disconnect();
  }
  return rows;
}

type Mode = 'off' | 'notify' | 'polling';

const appendCost = async (
  log: BenchContext['log'],
  database: PrivateDatabase,
  relaySql: ReturnType<typeof createDatabaseClient>,
  topic: string,
): Promise<BenchRow[]> => {
  const owner = postgres(database.ownerUrl, { max: 1, onnotice: () => undefined });
  const listener = postgres(database.appUrl, { max: 1, onnotice: () => undefined });
  let notified = 0;
  const store = eventStoreFor(database.sql, topic);
  const counts: Record<Mode, number[]> = { off: [], notify: [], polling: [] };
  try {
    await owner.unsafe(`
      CREATE OR REPLACE FUNCTION bench_notify_outbox() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN PERFORM pg_notify('careflow_outbox', ''); RETURN NULL; END $$;`);
    const listening = await listener.listen('careflow_outbox', () => {
      notified += 1;
    });
    for (let round = 0; round < appendRounds; round += 1) {
      const order: Mode[] = round % 2 === 0 ? ['off', 'notify', 'polling'] : ['polling', 'notify', 'off'];
      for (const mode of order) {
        let polling = false;
        let poller: Promise<void> = Promise.resolve();
        if (mode === 'notify') {
          await owner.unsafe(
            `CREATE TRIGGER bench_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION bench_notify_outbox()`,
          );
        }
        if (mode === 'polling') {
          // The wake-up itself: "is there a row past the last one seen?" every poll interval, which is
          // what an idle leader's read costs. Reading the rows is the relay's work under either mechanism.
          polling = true;
          poller = (async () => {
            let position = (await readOutbox(relaySql, startOfLog, 1_000_000)).at(-1)?.position ?? startOfLog;
            while (polling) {
              position = (await readOutbox(relaySql, position, 1)).at(-1)?.position ?? position;
              await sleep(pollIntervalMs);
            }
          })();
        }
        const end = performance.now() + appendSlotMs;
        let appended = 0;
        const counting = {
          ...store,
          appendToStream: async (...args: Parameters<typeof store.appendToStream>) => {
            const result = await store.appendToStream(...args);
            if (performance.now() <= end) appended += args[2].length;
            return result;
          },
        };
        await appendTraffic(counting, { episodes: 1_000_000, concurrency: appendClients, shouldStop: () => performance.now() > end });
        counts[mode].push((appended / appendSlotMs) * 1000);
        polling = false;
        await poller;
        if (mode === 'notify') await owner.unsafe(`DROP TRIGGER bench_notify ON outbox`);
        // Each slot starts from an empty outbox, so no mode pays for another's rows.
        await owner.unsafe(`DELETE FROM outbox`);
      }
    }
    await listening.unlisten();
  } finally {
    await owner.end({ timeout: 5 });
    await listener.end({ timeout: 5 });
  }
  const median = (values: readonly number[]): number => percentile(values, 50);
  log(
    `append events/s (median of ${appendRounds} slots): off ${round(median(counts.off), 0)}, notify ${round(median(counts.notify), 0)}, polling ${round(median(counts.polling), 0)}; notifications received ${notified}`,
  );
  return [
    throughputRow(
      `append throughput with the relay's wake-up poll every ${pollIntervalMs} ms (${appendClients} clients, events/s)`,
      median(counts.polling),
      'no relay, no trigger',
      median(counts.off),
      '>= 0.95',
    ),
    throughputRow(
      `append throughput with a LISTEN/NOTIFY trigger on the outbox (${appendClients} clients, events/s)`,
      median(counts.notify),
      'no relay, no trigger',
      median(counts.off),
      '>= 0.95 (not chosen)',
    ),
  ];
};
