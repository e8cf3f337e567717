/**
 * Publishes billing's outbox to careflow.billing-charges.v1 (docs/billing.md): rows are written in the
 * transaction of the change they announce and deleted only after the broker acknowledged them, so
 * nothing is lost; a crash between the ack and the delete sends a row again with the same `ce_id`,
 * by which the revenue-cycle system recognises it. One publisher at a time (an advisory lock), in
 * outbox order, so each episode's messages keep their order.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { Sql } from 'postgres';
import type { Logger } from '@careflow/config';
import { billingChargesTopic } from '@careflow/contracts';

export interface BillingPublisherOptions {
  readonly sql: Sql;
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly maxBackoffMs?: number;
  /** careflow.billing-charges.v1 unless a test gives its own. */
  readonly topic?: string;
}

export interface BillingPublisherStatus {
  readonly published: number;
  /** retrying: the last round failed (broker or database away); it backs off and tries again. */
  readonly state: 'publishing' | 'retrying';
}

export interface BillingPublisher {
  stop(): Promise<void>;
  status(): BillingPublisherStatus;
}

const lockKey = 'careflow.billing.outbox';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const startBillingPublisher = async (options: BillingPublisherOptions): Promise<BillingPublisher> => {
  const { sql, kafka, logger } = options;
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const topic = options.topic ?? billingChargesTopic.name;
  let producer: Producer | undefined;
  const connectedProducer = async (): Promise<Producer> => {
    if (producer === undefined) {
      const fresh = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await fresh.connect();
      producer = fresh;
    }
    return producer;
  };
  /** After a failed send an idempotent producer's sequence numbers are not to be trusted: the next round starts a new session. */
  const dropProducer = async (): Promise<void> => {
    const failed = producer;
    producer = undefined;
    await failed?.disconnect().catch(() => undefined);
  };
  await connectedProducer();

  let running = true;
  let published = 0;
  let state: BillingPublisherStatus['state'] = 'publishing';

  /** Sends one batch and deletes it in the same transaction; the number sent (0: nothing to do or not our turn). */
  const publishBatch = (): Promise<number> =>
    sql.begin(async (tx) => {
      const [lock] = await tx<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended(${lockKey}, 0)) AS locked`;
      if (!lock?.locked) return 0;
      const rows = await tx<{ position: string; key: string; headers: Record<string, string>; value: unknown }[]>`
        SELECT position, key, headers, value FROM billing_outbox ORDER BY position LIMIT ${batchSize}`;
      if (rows.length === 0) return 0;
      await (
        await connectedProducer()
      ).send({
        topic,
        acks: -1,
        messages: rows.map((row) => ({ key: row.key, value: JSON.stringify(row.value), headers: row.headers })),
      });
      await tx`DELETE FROM billing_outbox WHERE position IN ${tx(rows.map((row) => row.position))}`;
      return rows.length;
    });

  const loop = async (): Promise<void> => {
    let failures = 0;
    while (running) {
      try {
        const sent = await publishBatch();
        published += sent;
        if (state === 'retrying') logger.info('billing messages are published again');
        state = 'publishing';
        failures = 0;
        if (sent === 0) await sleep(pollIntervalMs);
      } catch (error) {
        failures += 1;
        if (state === 'publishing') logger.warn({ err: error }, 'publishing billing messages failed; retrying with backoff');
        state = 'retrying';
        await dropProducer();
        const delay = Math.min(maxBackoffMs, pollIntervalMs * 2 ** failures);
        await sleep(delay / 2 + Math.random() * (delay / 2));
      }
    }
  };
  const looping = loop();

  return {
    async stop() {
      running = false;
      await looping;
      await producer?.disconnect();
    },
    status: () => ({ published, state }),
  };
};
