/**
 * The one way an app consumes careflow.episode-events.v1 (docs/consumers.md): each event is applied
 * exactly once per consumer because the processed-event record is written in the transaction that
 * applies it; a message that keeps failing goes to the dead-letter topic; a consumer kafkajs will not
 * restart ends the app so its supervisor starts it again; lag and progress are metrics and status.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Sql, TransactionSql } from 'postgres';
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  episodeEventsDeadLetterTopic,
  episodeEventsTopic,
  readEpisodeEventMessage,
  UnreadableEpisodeEventError,
} from '@careflow/contracts';
import type { Logger } from '@careflow/config';
import { deadLetterHeaders } from './dead-letter';

export type ConsumedEpisodeEvent = ReturnType<typeof readEpisodeEventMessage>;

export interface EpisodeEventConsumerOptions {
  /** Consumer group `careflow.<name>`; processed_events.consumer = name. */
  readonly name: string;
  readonly kafka: Kafka;
  readonly sql: Sql;
  readonly logger: Logger;
  /**
   * Applies one integration event inside the transaction that records it in processed_events
   * (skipped when that event id was already processed by this consumer). Throw to retry.
   */
  readonly apply: (tx: TransactionSql, event: ConsumedEpisodeEvent) => Promise<void>;
  /** Attempts of a failing apply; then the message goes to the dead-letter topic. */
  readonly maxAttempts?: number;
  /** prom-client registry for lag/processed/dead-lettered metrics. */
  readonly metrics?: Registry;
  /** Waits between attempts double from the first to the longest (each with jitter). */
  readonly retryDelayMs?: { readonly first: number; readonly longest: number };
  /** How often the group's lag is read from the broker. */
  readonly lagIntervalMs?: number;
  /** Lag above zero with nothing processed for this long: the consumer is stalled (status, gauge, alert). */
  readonly stalledAfterMs?: number;
  /**
   * kafkajs crashed the consumer and will not restart it. The default ends the process with code 1 so
   * the supervisor starts the app again (kafkajs #1513/#1445).
   */
  readonly onFatal?: (error: Error) => void;
  /** Topics other than the platform's (tests use their own so they read only their messages). */
  readonly topics?: { readonly events: string; readonly deadLetter: string };
}

export interface ConsumerStatus {
  readonly name: string;
  readonly groupId: string;
  /** Messages on the topic past the group's committed offsets; undefined until first read. */
  readonly lag: number | undefined;
  readonly applied: number;
  /** Events this consumer had already processed (redeliveries). */
  readonly duplicates: number;
  readonly deadLettered: number;
  readonly lastProcessedAt: string | undefined;
  readonly stalled: boolean;
  /** The consumer's partitions at the last rebalance. */
  readonly partitions: readonly number[];
}

export interface EpisodeEventConsumer {
  stop(): Promise<void>;
  status(): ConsumerStatus;
}

export const consumerGroupId = (name: string): string => `careflow.${name}`;

/** A failure that says nothing about the message: the database is away or the transaction lost a race. */
const transientCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '40001',
  '40P01',
  '53300',
  '57P01',
  '57P03',
]);
const isTransient = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (transientCodes.has(code) || code.startsWith('08'));
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error('non-error thrown'));

interface ConsumerMetrics {
  readonly applied: Counter<'consumer' | 'outcome'>;
  readonly deadLettered: Counter<'consumer'>;
  readonly lag: Gauge<'consumer'>;
  readonly lastProcessed: Gauge<'consumer'>;
  readonly stalled: Gauge<'consumer'>;
}

/** One set of metrics per registry, labelled by consumer, so several consumers may share a registry. */
const metricsIn = (registry: Registry): ConsumerMetrics => {
  const reuse = <M>(name: string, make: () => M): M => (registry.getSingleMetric(name) as M | undefined) ?? make();
  return {
    applied: reuse(
      'careflow_consumer_processed_events_total',
      () =>
        new Counter({
          name: 'careflow_consumer_processed_events_total',
          help: 'Events handled, by outcome: applied, or duplicate (already processed by this consumer)',
          labelNames: ['consumer', 'outcome'] as const,
          registers: [registry],
        }),
    ),
    deadLettered: reuse(
      'careflow_consumer_dead_lettered_events_total',
      () =>
        new Counter({
          name: 'careflow_consumer_dead_lettered_events_total',
          help: 'Messages sent to the dead-letter topic',
          labelNames: ['consumer'] as const,
          registers: [registry],
        }),
    ),
    lag: reuse(
      'careflow_consumer_lag_messages',
      () =>
        new Gauge({
          name: 'careflow_consumer_lag_messages',
          help: "Messages on the topic past the consumer group's committed offsets (sum over partitions)",
          labelNames: ['consumer'] as const,
          registers: [registry],
        }),
    ),
    lastProcessed: reuse(
      'careflow_consumer_last_processed_timestamp_seconds',
      () =>
        new Gauge({
          name: 'careflow_consumer_last_processed_timestamp_seconds',
          help: 'When the consumer last finished a message (Unix time)',
          labelNames: ['consumer'] as const,
          registers: [registry],
        }),
    ),
    stalled: reuse(
      'careflow_consumer_stalled',
      () =>
        new Gauge({
          name: 'careflow_consumer_stalled',
          help: '1 while the consumer has lag but processed nothing for longer than its stall limit',
          labelNames: ['consumer'] as const,
          registers: [registry],
        }),
    ),
  };
};

/**
 * Starts consuming from the earliest offset the group has not committed. Resolves once kafkajs runs
 * (joining the group and getting partitions follows; status().partitions shows them).
 */
export const startEpisodeEventConsumer = async (options: EpisodeEventConsumerOptions): Promise<EpisodeEventConsumer> => {
  const { name, kafka, sql, apply } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelay = options.retryDelayMs ?? { first: 200, longest: 5_000 };
  const lagIntervalMs = options.lagIntervalMs ?? 5_000;
  const stalledAfterMs = options.stalledAfterMs ?? 300_000;
  const topics = options.topics ?? { events: episodeEventsTopic.name, deadLetter: episodeEventsDeadLetterTopic.name };
  const groupId = consumerGroupId(name);
  const logger = options.logger.child({ groupId });
  const onFatal =
    options.onFatal ??
    (() => {
      process.exit(1);
    });
  const metrics = options.metrics && metricsIn(options.metrics);

  const counts = { applied: 0, duplicates: 0, deadLettered: 0 };
  let lastProcessedAt: Date | undefined;
  let lastProgressAt = Date.now();
  let lag: number | undefined;
  let partitions: readonly number[] = [];
  let stopping = false;

  const stalled = (): boolean => lag !== undefined && lag > 0 && Date.now() - lastProgressAt > stalledAfterMs;

  const consumer: Consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const admin = kafka.admin();

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    partitions = (payload.memberAssignment[topics.events] ?? []).slice().sort((a, b) => a - b);
    logger.info({ count: partitions.length }, 'consumer joined its group');
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (stopping) return;
    if (payload.restart) {
      logger.warn({ err: payload.error }, 'consumer crashed; kafkajs restarts it');
      return;
    }
    // kafkajs leaves a consumer that crashed with a non-retriable error stopped for good.
    logger.fatal({ err: payload.error }, 'consumer crashed and will not restart; exiting so the app is started again');
    onFatal(payload.error);
  });

  const progressed = (outcome: 'applied' | 'duplicate'): void => {
    if (outcome === 'applied') counts.applied += 1;
    else counts.duplicates += 1;
    lastProcessedAt = new Date();
    lastProgressAt = lastProcessedAt.getTime();
    metrics?.applied.inc({ consumer: name, outcome });
    metrics?.lastProcessed.set({ consumer: name }, lastProgressAt / 1000);
  };

  const deadLetter = async (message: KafkaMessage, partition: number, error: Error, attempts: number): Promise<void> => {
    await producer.send({
      topic: topics.deadLetter,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            ...deadLetterHeaders({ consumer: name, topic: topics.events, partition, offset: message.offset, error, attempts }),
          },
        },
      ],
    });
    counts.deadLettered += 1;
    lastProgressAt = Date.now();
    metrics?.deadLettered.inc({ consumer: name });
    logger.error({ err: error, attempt: attempts, partition }, 'message sent to the dead-letter topic');
  };

  /** One transaction: the processed-event record and the apply commit together or not at all. */
  const applyOnce = async (event: ConsumedEpisodeEvent): Promise<'applied' | 'duplicate'> =>
    sql.begin(async (tx) => {
      const inserted = await tx`
        INSERT INTO processed_events (consumer, event_id) VALUES (${name}, ${event.eventId})
        ON CONFLICT DO NOTHING RETURNING event_id`;
      if (inserted.length === 0) return 'duplicate' as const;
      await apply(tx, event);
      return 'applied' as const;
    });

  /** True when the message is done with (applied, a duplicate or dead-lettered); false when the batch must stop. */
  const handle = async (message: KafkaMessage, partition: number, batch: EachBatchPayload): Promise<boolean> => {
    let event: ConsumedEpisodeEvent;
    try {
      event = readEpisodeEventMessage(message);
      if (!uuidPattern.test(event.eventId)) throw new UnreadableEpisodeEventError('The ce_id header is not a UUID.');
    } catch (error) {
      await deadLetter(message, partition, asError(error), 0);
      return true;
    }
    let attempt = 0;
    let transientFailures = 0;
    for (;;) {
      try {
        progressed(await applyOnce(event));
        return true;
      } catch (error) {
        // An unreachable database is not the message's fault: it waits (not counted) rather than dead-letters.
        const transient = isTransient(error);
        if (transient) transientFailures += 1;
        else attempt += 1;
        if (!transient && attempt >= maxAttempts) {
          await deadLetter(message, partition, asError(error), attempt);
          return true;
        }
        if (attempt === 1 || transientFailures === 1) {
          logger.warn({ err: error, eventId: event.eventId, attempt, partition }, 'applying an event failed; retrying');
        }
        const step = transient ? transientFailures : attempt;
        const delay = Math.min(retryDelay.longest, retryDelay.first * 2 ** (step - 1));
        await sleep(delay / 2 + Math.random() * (delay / 2));
        if (!batch.isRunning() || batch.isStale()) return false;
        await batch.heartbeat();
      }
    }
  };

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    for (const message of batch.messages) {
      // A stale batch belongs to a partition that moved to another member: leave it to that member.
      if (!isRunning() || isStale()) return;
      if (!(await handle(message, batch.partition, payload))) return;
      resolveOffset(message.offset);
      await heartbeat();
    }
  };

  const sampleLag = async (): Promise<void> => {
    try {
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(topics.events),
        admin.fetchOffsets({ groupId, topics: [topics.events] }),
      ]);
      const committedByPartition = new Map(
        (committed.find((entry) => entry.topic === topics.events)?.partitions ?? []).map((entry) => [
          entry.partition,
          Number(entry.offset),
        ]),
      );
      lag = ends.reduce((sum, end) => {
        const done = committedByPartition.get(end.partition) ?? -1;
        // No committed offset yet: the group starts at the earliest message still on the topic.
        const from = done < 0 ? Number(end.low) : done;
        return sum + Math.max(0, Number(end.high) - from);
      }, 0);
      metrics?.lag.set({ consumer: name }, lag);
    } catch (error) {
      logger.debug({ err: error }, 'reading consumer lag failed');
    }
    metrics?.stalled.set({ consumer: name }, stalled() ? 1 : 0);
  };

  await Promise.all([consumer.connect(), producer.connect(), admin.connect()]);
  await consumer.subscribe({ topics: [topics.events], fromBeginning: true });
  await consumer.run({ eachBatchAutoResolve: false, eachBatch });
  let sampling: Promise<void> = sampleLag();
  const timer = setInterval(() => {
    sampling = sampling.then(sampleLag);
  }, lagIntervalMs);
  timer.unref();

  return {
    async stop() {
      stopping = true;
      clearInterval(timer);
      await sampling;
      await consumer.disconnect();
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    },
    status: () => ({
      name,
      groupId,
      lag,
      applied: counts.applied,
      duplicates: counts.duplicates,
      deadLettered: counts.deadLettered,
      lastProcessedAt: lastProcessedAt?.toISOString(),
      stalled: stalled(),
      partitions,
    }),
  };
};
