/**
 * The one way an app consumes careflow.episode-events.v1 (docs/consumers.md): each event is applied
 * exactly once per consumer because the processed-event record (a row per event id, or per episode the
 * highest stream version applied) is written in the transaction that applies it; a message that keeps
 * failing goes to the dead-letter topic; a consumer kafkajs will not restart ends the app so its
 * supervisor starts it again; lag and progress are metrics and status.
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
  /** Consumer group `careflow.<name>`; processed_events.consumer = consumer_stream_marks.consumer = name. */
  readonly name: string;
  /**
   * The form of the processed-event record (docs/consumers.md, "Exactly once"): `event-id` (the default)
   * a processed_events row per event; `stream-version` one consumer_stream_marks row per episode holding
   * the highest stream version applied, upserted once per run: an event at or below it is skipped.
   */
  readonly exactlyOnceBy?: 'event-id' | 'stream-version';
  readonly kafka: Kafka;
  readonly sql: Sql;
  readonly logger: Logger;
  /**
   * Applies one integration event inside the transaction that records it in processed_events
   * (skipped when that event id was already processed by this consumer). Throw to retry.
   */
  readonly apply: (tx: TransactionSql, event: ConsumedEpisodeEvent) => Promise<void>;
  /**
   * Optional, for speed: applies several events (in partition order, none already processed) at once,
   * with the same effect as apply on each in turn. Used for runs; when it throws, the run goes one
   * by one through apply, so a failing event is still found, retried and dead-lettered alone.
   */
  readonly applyMany?: (tx: TransactionSql, events: readonly ConsumedEpisodeEvent[]) => Promise<void>;
  /** Partitions handled at once (each in order, in its own transactions); each takes a database connection. */
  readonly partitionsConsumedConcurrently?: number;
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
  /** Most messages applied in one transaction (one commit for the run). */
  readonly transactionSize?: number;
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

/**
 * A failure that says nothing about the message: the database is away, the transaction lost a race,
 * or the deployment lacks a table or grant (waiting beats dead-lettering every message).
 */
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
  '42501',
  '42P01',
]);
const isTransient = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (transientCodes.has(code) || code.startsWith('08'));
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error('non-error thrown'));

type Outcome = 'applied' | 'duplicate';

/** A readable message's event, with its place in the episode's stream (the careflow_stream_version header). */
interface Delivered {
  readonly event: ConsumedEpisodeEvent;
  /** 0 when the header is absent (consumers by event id do not need it). */
  readonly streamVersion: number;
}

const streamVersionOf = (message: KafkaMessage): number => {
  const raw = message.headers?.['careflow_stream_version'];
  const text = (Array.isArray(raw) ? raw[0] : raw)?.toString();
  return text !== undefined && /^[1-9]\d{0,14}$/.test(text) ? Number(text) : 0;
};

/** The ce_id of a message that could not be read, when it is an event id at all. */
const eventIdHeader = (message: KafkaMessage): string | undefined => {
  const raw = message.headers?.['ce_id'];
  const text = (Array.isArray(raw) ? raw[0] : raw)?.toString();
  return text !== undefined && uuidPattern.test(text) ? text : undefined;
};

/** Which event's apply failed in a run, so only that one counts an attempt. */
class FailedApply extends Error {
  override readonly name = 'FailedApply';
  constructor(
    readonly eventId: string,
    override readonly cause: unknown,
  ) {
    super('applying an event failed');
  }
}

interface ConsumerMetrics {
  readonly applied: Counter<'consumer' | 'outcome'>;
  readonly deadLettered: Counter<'consumer'>;
  readonly lag: Gauge<'consumer'>;
  readonly lastProcessed: Gauge<'consumer'>;
  readonly stalled: Gauge<'consumer'>;
}

/** Each registry's consumers and how each tells whether it is stalled. */
const stallChecks = new WeakMap<Registry, Map<string, () => boolean>>();

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
    stalled: reuse('careflow_consumer_stalled', () => {
      // Read at each scrape, so the alert sees a stall even when the lag sampling does not run.
      const gauge = new Gauge({
        name: 'careflow_consumer_stalled',
        help: '1 while the consumer has lag but processed nothing for longer than its stall limit',
        labelNames: ['consumer'] as const,
        registers: [registry],
        collect() {
          for (const [consumer, stalled] of stallChecks.get(registry) ?? []) gauge.set({ consumer }, stalled() ? 1 : 0);
        },
      });
      return gauge;
    }),
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
  const transactionSize = options.transactionSize ?? 500;
  const partitionsConsumedConcurrently = options.partitionsConsumedConcurrently ?? 3;
  const { applyMany } = options;
  const exactlyOnceBy = options.exactlyOnceBy ?? 'event-id';
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
  if (options.metrics) {
    const checks = stallChecks.get(options.metrics) ?? new Map<string, () => boolean>();
    checks.set(name, stalled);
    stallChecks.set(options.metrics, checks);
  }

  // The broker answers a fetch once 16 KiB have arrived or 100 ms have passed: under steady traffic a
  // consumer reads runs of events rather than one fetch per event (docs/consumers.md#fetching).
  const consumer: Consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, minBytes: 16_384, maxWaitTimeInMs: 100 });
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

  const progressed = (outcome: Outcome): void => {
    if (outcome === 'applied') counts.applied += 1;
    else counts.duplicates += 1;
    lastProcessedAt = new Date();
    lastProgressAt = lastProcessedAt.getTime();
    metrics?.applied.inc({ consumer: name, outcome });
    metrics?.lastProcessed.set({ consumer: name }, lastProgressAt / 1000);
  };

  /**
   * Under `stream-version`, a dead-lettered event is recorded on its episode's mark, so that its replay
   * is applied although later events of the episode moved the mark past it (and only once).
   */
  const recordDeadLettered = async (streamId: string, eventId: string): Promise<void> => {
    await sql`
      INSERT INTO consumer_stream_marks AS m (consumer, stream_id, stream_version, version_before, dead_lettered)
      VALUES (${name}, ${streamId}, 0, 0, jsonb_build_array(${eventId.toLowerCase()}::text))
      ON CONFLICT (consumer, stream_id) DO UPDATE SET dead_lettered = m.dead_lettered || EXCLUDED.dead_lettered, updated_at = now()
      WHERE NOT m.dead_lettered @> EXCLUDED.dead_lettered`;
  };

  /** event: only of a message that could be read (an unreadable one's ce_id may be anything). */
  const deadLetter = async (
    message: KafkaMessage,
    partition: number,
    error: Error,
    attempts: number,
    event?: ConsumedEpisodeEvent,
  ): Promise<void> => {
    const eventId = event?.eventId;
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
    if (exactlyOnceBy === 'stream-version') {
      // An unreadable message names its episode by its key; its ce_id only when that is an event id.
      const streamId = event?.data.episodeId ?? message.key?.toString();
      const id = eventId ?? eventIdHeader(message);
      if (streamId !== undefined && streamId !== '' && id !== undefined) await recordDeadLettered(streamId, id);
    }
    counts.deadLettered += 1;
    lastProgressAt = Date.now();
    metrics?.deadLettered.inc({ consumer: name });
    logger.error({ err: error, attempt: attempts, partition, eventId }, 'message sent to the dead-letter topic');
  };

  /** By event id: which of the run's events have no processed_events row yet (and now have one). */
  const freshByEventId = async (tx: TransactionSql, run: readonly Delivered[]): Promise<boolean[]> => {
    // As JSON: the apps' clients fetch no array types (createDatabaseClient: fetch_types false), so tx.array fails there.
    const ids = run.map(({ event }) => event.eventId.toLowerCase());
    const inserted = await tx<{ eventId: string }[]>`
      INSERT INTO processed_events (consumer, event_id)
      SELECT ${name}, id::uuid FROM jsonb_array_elements_text(${JSON.stringify(ids)}::text::jsonb) AS id
      ON CONFLICT DO NOTHING RETURNING event_id::text AS "eventId"`;
    const fresh = new Set(inserted.map((row) => row.eventId));
    return ids.map((id) => fresh.delete(id));
  };

  /**
   * By stream version: each episode's mark moves to the run's highest version in one upsert, which
   * returns the mark before it (taking the row's lock, so a member handling the same events at the same
   * moment waits and then sees this run's mark). An event above the running mark is applied and moves
   * it, whatever the gap (the relay publishes every event of a stream, so a gap means events this
   * consumer never received, which no later delivery can bring back in order); one at or below it was
   * applied before, unless it is a dead-lettered event coming back from a replay.
   */
  const freshByStreamVersion = async (tx: TransactionSql, run: readonly Delivered[]): Promise<boolean[]> => {
    const highest = new Map<string, number>();
    for (const { event, streamVersion } of run) {
      highest.set(event.data.episodeId, Math.max(highest.get(event.data.episodeId) ?? 0, streamVersion));
    }
    const streams = [...highest].map(([streamId, streamVersion]) => ({ stream_id: streamId, stream_version: streamVersion }));
    const marks = await tx<{ streamId: string; before: number; deadLettered: string[] }[]>`
      INSERT INTO consumer_stream_marks AS m (consumer, stream_id, stream_version, version_before)
      SELECT ${name}, s.stream_id, s.stream_version, 0
      FROM jsonb_to_recordset(${JSON.stringify(streams)}::text::jsonb) AS s(stream_id text, stream_version bigint)
      -- One order for every run, so two members upserting the same episodes take the locks in turn.
      ORDER BY s.stream_id
      ON CONFLICT (consumer, stream_id) DO UPDATE SET
        stream_version = greatest(m.stream_version, EXCLUDED.stream_version), version_before = m.stream_version, updated_at = now()
      RETURNING m.stream_id AS "streamId", m.version_before::int AS before, m.dead_lettered AS "deadLettered"`;
    const running = new Map(marks.map((mark) => [mark.streamId, mark.before]));
    const deadLettered = new Set(marks.flatMap((mark) => mark.deadLettered));
    const settled: Array<{ stream_id: string; event_id: string }> = [];
    const fresh = run.map(({ event, streamVersion }) => {
      const streamId = event.data.episodeId;
      const id = event.eventId.toLowerCase();
      const wasDeadLettered = deadLettered.delete(id);
      if (wasDeadLettered) settled.push({ stream_id: streamId, event_id: id });
      if (streamVersion > (running.get(streamId) ?? 0)) {
        running.set(streamId, streamVersion);
        return true;
      }
      return wasDeadLettered;
    });
    if (settled.length > 0) {
      // A dead-lettered event applied now (by its replay, or redelivered before it): applied once only.
      await tx`
        UPDATE consumer_stream_marks m SET dead_lettered = coalesce((
          SELECT jsonb_agg(id) FROM jsonb_array_elements_text(m.dead_lettered) AS id
          WHERE id NOT IN (SELECT s.event_id FROM jsonb_to_recordset(${JSON.stringify(settled)}::text::jsonb) AS s(stream_id text, event_id text)
                           WHERE s.stream_id = m.stream_id)), '[]')
        WHERE m.consumer = ${name}
          AND m.stream_id IN (SELECT stream_id FROM jsonb_to_recordset(${JSON.stringify(settled)}::text::jsonb) AS s(stream_id text))`;
    }
    return fresh;
  };

  /**
   * One transaction for a run of events: their processed-event records and their applies commit
   * together or not at all; an event already recorded is not applied again. Applied in order, each
   * event once (a duplicate within the run too).
   */
  const applyInOneTransaction = async (run: readonly Delivered[]): Promise<Outcome[]> =>
    sql.begin(async (tx) => {
      const fresh = exactlyOnceBy === 'stream-version' ? await freshByStreamVersion(tx, run) : await freshByEventId(tx, run);
      const outcomes = fresh.map((applied): Outcome => (applied ? 'applied' : 'duplicate'));
      const toApply = run.flatMap(({ event }, index) => (fresh[index] ? [event] : []));
      if (applyMany && toApply.length > 1) {
        // Unattributed: when it fails, the run goes one by one through apply, which finds the culprit.
        await applyMany(tx, toApply);
        return outcomes;
      }
      for (const event of toApply) {
        try {
          await apply(tx, event);
        } catch (error) {
          throw new FailedApply(event.eventId, error);
        }
      }
      return outcomes;
    });

  /**
   * One message on its own, retried with backoff: true when done with (applied, a duplicate or
   * dead-lettered); false when the batch must stop (the consumer stops or the partition moved).
   */
  const handleAlone = async (
    message: KafkaMessage,
    delivered: Delivered,
    failedOnce: unknown,
    batch: EachBatchPayload,
  ): Promise<boolean> => {
    const { event } = delivered;
    let attempt = failedOnce === undefined || isTransient(failedOnce) ? 0 : 1;
    let transientFailures = 0;
    let failure = failedOnce;
    for (;;) {
      if (failure !== undefined) {
        // An unreachable database is not the message's fault: it waits (not counted) rather than dead-letters.
        const transient = isTransient(failure);
        if (transient) transientFailures += 1;
        if (!transient && attempt >= maxAttempts) {
          await deadLetter(message, batch.batch.partition, asError(failure), attempt, event);
          return true;
        }
        if (attempt + transientFailures === 1) {
          logger.warn({ err: failure, eventId: event.eventId, partition: batch.batch.partition }, 'applying an event failed; retrying');
        }
        const step = transient ? transientFailures : attempt;
        const delay = Math.min(retryDelay.longest, retryDelay.first * 2 ** (step - 1));
        await sleep(delay / 2 + Math.random() * (delay / 2));
        if (!batch.isRunning() || batch.isStale()) return false;
        await batch.heartbeat();
      }
      try {
        const [outcome] = await applyInOneTransaction([delivered]);
        progressed(outcome ?? 'duplicate');
        return true;
      } catch (error) {
        failure = error instanceof FailedApply ? error.cause : error;
        if (!isTransient(failure)) attempt += 1;
      }
    }
  };

  /** The event in a message, or why no consumer can use it. */
  const read = (message: KafkaMessage): Delivered | Error => {
    try {
      const event = readEpisodeEventMessage(message);
      if (!uuidPattern.test(event.eventId)) return new UnreadableEpisodeEventError('The ce_id header is not a UUID.');
      const streamVersion = streamVersionOf(message);
      if (exactlyOnceBy === 'stream-version' && streamVersion === 0) {
        return new UnreadableEpisodeEventError('The careflow_stream_version header is not a stream version.');
      }
      return { event, streamVersion };
    } catch (error) {
      return asError(error);
    }
  };

  /**
   * Messages in partition order, in runs of up to transactionSize per transaction (one commit per
   * run, not per message). When a run fails, its messages go one by one, so only the failing one is
   * retried and dead-lettered; those before it are applied and those after it wait, in order.
   */
  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    let next = 0;
    while (next < batch.messages.length) {
      // A stale batch belongs to a partition that moved to another member: leave it to that member.
      if (!isRunning() || isStale()) return;
      const run: Array<{ readonly message: KafkaMessage; readonly delivered: Delivered }> = [];
      let unreadable: { readonly message: KafkaMessage; readonly error: Error } | undefined;
      for (const message of batch.messages.slice(next, next + transactionSize)) {
        const delivered = read(message);
        if (delivered instanceof Error) {
          unreadable = { message, error: delivered };
          break;
        }
        run.push({ message, delivered });
      }
      if (run.length === 0 && unreadable !== undefined) {
        await deadLetter(unreadable.message, batch.partition, unreadable.error, 0);
        resolveOffset(unreadable.message.offset);
        next += 1;
        continue;
      }
      const failed = await applyInOneTransaction(run.map((entry) => entry.delivered)).then(
        (outcomes) => {
          outcomes.forEach(progressed);
          const last = run.at(-1);
          if (last !== undefined) resolveOffset(last.message.offset);
          return undefined;
        },
        (error: unknown) => ({ error }),
      );
      if (failed !== undefined) {
        for (const { message, delivered } of run) {
          if (!isRunning() || isStale()) return;
          // Only the event whose apply failed has used an attempt; a failure of the whole run (the
          // database, applyMany) charges nobody: alone, each message meets it again if it lasts.
          const { error } = failed;
          const failedOnce = error instanceof FailedApply && error.eventId === delivered.event.eventId ? error.cause : undefined;
          if (!(await handleAlone(message, delivered, failedOnce, payload))) return;
          resolveOffset(message.offset);
          await heartbeat();
        }
      }
      next += run.length;
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
  };

  await Promise.all([consumer.connect(), producer.connect(), admin.connect()]);
  await consumer.subscribe({ topics: [topics.events], fromBeginning: true });
  await consumer.run({ eachBatchAutoResolve: false, partitionsConsumedConcurrently, eachBatch });
  let sampling: Promise<void> = sampleLag();
  const timer = setInterval(() => {
    sampling = sampling.then(sampleLag);
  }, lagIntervalMs);
  timer.unref();

  return {
    async stop() {
      stopping = true;
      clearInterval(timer);
      if (options.metrics) stallChecks.get(options.metrics)?.delete(name);
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
