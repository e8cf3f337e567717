/**
 * `npm run bench -- consumer`: the consumer framework (read and check each message, processed-event
 * record and apply in one transaction per run) against a bare kafkajs eachBatch doing one multi-row
 * upsert of the same rows per batch, no records, no checks: both drain the same 50,000 events from
 * the same topic into tables of the same shape, one after the other, twice.
 */
import postgres from 'postgres';
import { createLogger } from '@careflow/config';
import { pollUntil } from '@careflow/event-store/testing';
import { createKafka, startEpisodeEventConsumer } from '@careflow/messaging';
import { createTestTable, createTestTopics, eventsFor, publish } from '../support/consumer-rig';
import { requireEnv, uniqueSuffix } from '../support/env';
import { round, type BenchContext, type BenchRow } from './bench';

const events = 50_000;

export default async ({ log }: BenchContext): Promise<BenchRow[]> => {
  const logger = createLogger('consumer-bench', 'silent');
  const kafka = createKafka({ brokers: requireEnv('KAFKA_BROKERS').split(','), clientId: 'consumer-bench', logger, quiet: true });
  const appUrl = requireEnv('DATABASE_URL');
  const role = decodeURIComponent(new URL(appUrl).username);
  const superuser = postgres(requireEnv('SUPERUSER_DATABASE_URL'), { max: 2, onnotice: () => undefined });
  const sql = postgres(appUrl, { max: 4, onnotice: () => undefined });
  const suffix = uniqueSuffix();
  const topics = await createTestTopics(kafka, `bench-${suffix}`, 6);
  const cleanups: Array<() => Promise<void>> = [() => topics.remove()];
  try {
    const sent = eventsFor(`bench-${suffix}`, 200, events / 200);
    await publish(kafka, topics.events, sent, 1000);
    log(`published ${events} events`);

    const framework = async (round: string, batched: boolean): Promise<number> => {
      const table = await createTestTable(superuser, `${suffix}_f${round}`, role);
      cleanups.push(() => table.drop());
      const started = Date.now();
      const consumer = await startEpisodeEventConsumer({
        name: `bench-${suffix}-${round}`,
        kafka,
        sql,
        logger,
        topics,
        apply: table.apply,
        ...(batched && { applyMany: table.applyMany }),
      });
      try {
        await pollUntil(
          async () => consumer.status().applied,
          (applied) => applied >= events,
          { what: 'the framework drains the topic', timeoutMs: 600_000, intervalMs: 20 },
        );
        return events / ((Date.now() - started) / 1000);
      } finally {
        await consumer.stop();
      }
    };

    const bare = async (round: number): Promise<number> => {
      const table = await createTestTable(superuser, `${suffix}_b${round}`, role);
      cleanups.push(() => table.drop());
      const started = Date.now();
      let written = 0;
      const consumer = kafka.consumer({ groupId: `bench-bare-${suffix}-${round}` });
      await consumer.connect();
      await consumer.subscribe({ topics: [topics.events], fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          const rows = batch.messages.map((message) => {
            const data = JSON.parse(message.value?.toString() ?? '{}') as { episodeId: string; treatmentDaysInPeriod: number };
            return {
              event_id: message.headers?.['ce_id']?.toString() ?? '',
              episode_id: data.episodeId,
              sequence: data.treatmentDaysInPeriod,
            };
          });
          await sql`INSERT INTO ${sql(table.name)} ${sql(rows, 'event_id', 'episode_id', 'sequence')}`;
          written += rows.length;
        },
      });
      try {
        await pollUntil(
          async () => written,
          (count) => count >= events,
          { what: 'the bare eachBatch drains the topic', timeoutMs: 600_000, intervalMs: 20 },
        );
        return events / ((Date.now() - started) / 1000);
      } finally {
        await consumer.disconnect();
      }
    };

    const single: number[] = [];
    const batched: number[] = [];
    const peers: number[] = [];
    for (const round of [1, 2]) {
      peers.push(await bare(round));
      single.push(await framework(`${round}s`, false));
      batched.push(await framework(`${round}m`, true));
      log(
        `round ${round}: bare eachBatch ${Math.round(peers.at(-1) ?? 0)}/s, framework apply ${Math.round(single.at(-1) ?? 0)}/s, applyMany ${Math.round(batched.at(-1) ?? 0)}/s`,
      );
    }
    const best = (values: number[]) => Math.max(...values);
    const row = (metric: string, ours: number[]): BenchRow => ({
      metric,
      ours: Math.round(best(ours)),
      peer: Math.round(best(peers)),
      peerName: 'bare eachBatch multi-row insert',
      ratio: round(best(ours) / best(peers), 3),
      target: '>= 0.7',
    });
    return [
      row('consumer framework drain with apply per event, events/s (best of 2)', single),
      row('consumer framework drain with applyMany, events/s (best of 2)', batched),
    ];
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await sql.end({ timeout: 5 });
    await superuser.end({ timeout: 5 });
  }
};
