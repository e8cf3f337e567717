/**
 * The dead-letter topic's headers and its replay (docs/consumers.md). A dead-lettered message keeps
 * its key, value and headers; these headers say where it came from and why, by the error's name and
 * code only (an error's message may quote the data).
 */
import { Partitioners, type IHeaders, type Kafka } from 'kafkajs';
import type { Logger } from '@careflow/config';
import { episodeEventsDeadLetterTopic } from '@careflow/contracts';

/** Headers the dead-letter path adds; the relay's unpublishable rows carry the first two. */
export const deadLetterHeaderNames = {
  originalTopic: 'careflow_original_topic',
  error: 'careflow_error',
  errorCode: 'careflow_error_code',
  originalPartition: 'careflow_original_partition',
  originalOffset: 'careflow_original_offset',
  consumer: 'careflow_dlq_consumer',
  attempts: 'careflow_dlq_attempts',
} as const;

const added = new Set<string>(Object.values(deadLetterHeaderNames));

const safeCode = (error: Error): string | undefined => {
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' || typeof code === 'number') && /^[\w.-]{1,64}$/.test(String(code)) ? String(code) : undefined;
};

export interface DeadLetterCause {
  readonly consumer: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly error: Error;
  /** Attempts made to apply it; 0 for a message that could not be read. */
  readonly attempts: number;
}

export const deadLetterHeaders = ({ consumer, topic, partition, offset, error, attempts }: DeadLetterCause): Record<string, string> => {
  const code = safeCode(error);
  return {
    [deadLetterHeaderNames.originalTopic]: topic,
    [deadLetterHeaderNames.originalPartition]: String(partition),
    [deadLetterHeaderNames.originalOffset]: offset,
    [deadLetterHeaderNames.consumer]: consumer,
    [deadLetterHeaderNames.error]: error.name,
    ...(code !== undefined && { [deadLetterHeaderNames.errorCode]: code }),
    [deadLetterHeaderNames.attempts]: String(attempts),
  };
};

const headerText = (headers: IHeaders | undefined, name: string): string | undefined => {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value?.toString();
};

/** The message's own headers, as they were before it was dead-lettered. */
export const originalHeaders = (headers: IHeaders | undefined): IHeaders =>
  Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !added.has(name)));

export interface ReplayOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** Only messages this consumer dead-lettered; all when omitted. */
  readonly consumer?: string;
  /** Count what would be replayed; send and commit nothing. */
  readonly dryRun?: boolean;
  readonly deadLetterTopic?: string;
  /** Gives up when the dead-letter topic cannot be read to its end in this time. */
  readonly timeoutMs?: number;
}

export interface ReplayOutcome {
  readonly replayed: number;
  /** Messages of other consumers (with --consumer) or without a value (the relay's unpublishable rows). */
  readonly skipped: number;
}

export class DeadLetterReplayError extends Error {
  override readonly name = 'DeadLetterReplayError';
}

/** The replay's consumer group: one per filter, so replaying one consumer's messages leaves the others' for later. */
export const replayGroupId = (consumer: string | undefined): string => `careflow.dlq-replay.${consumer ?? 'all'}`;

/**
 * Sends each dead-lettered message not yet replayed back to its original topic with its key, value
 * and original headers, then commits the replay group's offsets on the dead-letter topic, so a second
 * replay does not send it again. Consumers that already applied an event skip it (their processed-event
 * record; a consumer by stream version applies the events it dead-lettered, docs/consumers.md).
 * Reads up to the end the topic had when the replay began.
 */
export const replayDeadLetters = async (options: ReplayOptions): Promise<ReplayOutcome> => {
  const { kafka, logger, consumer: only, dryRun = false } = options;
  const topic = options.deadLetterTopic ?? episodeEventsDeadLetterTopic.name;
  const groupId = replayGroupId(only);
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<number, bigint>();
  try {
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const done = new Map((committed[0]?.partitions ?? []).map((entry) => [entry.partition, BigInt(entry.offset)]));
    for (const end of ends) {
      const from = done.get(end.partition) ?? -1n;
      const start = from < 0n ? BigInt(end.low) : from;
      if (BigInt(end.high) > start) remaining.set(end.partition, BigInt(end.high));
    }
  } finally {
    await admin.disconnect();
  }
  let replayed = 0;
  let skipped = 0;
  if (remaining.size === 0) return { replayed, skipped };

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const reader = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await Promise.all([producer.connect(), reader.connect()]);
  try {
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    await reader.subscribe({ topics: [topic], fromBeginning: true });
    await reader.run({
      autoCommit: !dryRun,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, isRunning, isStale }) => {
        const end = remaining.get(batch.partition);
        if (end === undefined) return;
        const chosen = batch.messages.filter((message) => BigInt(message.offset) < end);
        const sendable = chosen.filter((message) => {
          const wanted = only === undefined || headerText(message.headers, deadLetterHeaderNames.consumer) === only;
          return wanted && message.value !== null && headerText(message.headers, deadLetterHeaderNames.originalTopic) !== undefined;
        });
        if (!isRunning() || isStale()) return;
        if (!dryRun) {
          const byTopic = new Map<string, { key: Buffer | null; value: Buffer | null; headers: IHeaders }[]>();
          for (const message of sendable) {
            const original = headerText(message.headers, deadLetterHeaderNames.originalTopic) ?? '';
            byTopic.set(original, [
              ...(byTopic.get(original) ?? []),
              { key: message.key, value: message.value, headers: originalHeaders(message.headers) },
            ]);
          }
          if (byTopic.size > 0) {
            await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([to, messages]) => ({ topic: to, messages })) });
          }
        }
        const last = chosen.at(-1);
        if (last !== undefined) {
          // Resolving moves the reader on; only a real replay commits, before it counts the batch as done.
          resolveOffset(last.offset);
          if (!dryRun) {
            const next = String(BigInt(last.offset) + 1n);
            await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition: batch.partition, offset: next }] }] });
          }
        }
        replayed += sendable.length;
        skipped += chosen.length - sendable.length;
        if (last !== undefined && BigInt(last.offset) + 1n >= end) {
          remaining.delete(batch.partition);
          if (remaining.size === 0) finish();
        }
      },
    });
    const timeoutMs = options.timeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw new DeadLetterReplayError(`The dead-letter topic was not read to its end within ${timeoutMs} ms.`);
  } finally {
    await reader.disconnect();
    await producer.disconnect();
  }
  logger.info(
    { count: replayed, topic },
    dryRun ? 'dead-letter replay (dry run): messages that would be sent' : 'dead-letter replay: messages sent',
  );
  return { replayed, skipped };
};
