import type { Sql } from 'postgres';
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { Logger } from '@careflow/config';
import { episodeEventsDeadLetterTopic } from '@careflow/contracts';
import { deletePublishedOutbox, readOutbox, startOfLog, type LogPosition } from '@careflow/event-store';
import type { Leadership } from './leadership';
import type { RelayMessage } from './episode-messages';
import type { OutboxMessage } from '@careflow/event-store';

export type KafkaLinkState = 'connecting' | 'connected' | 'lost' | 'refusing';

export interface RelayOptions {
  readonly sql: Sql;
  readonly kafka: Kafka;
  readonly leadership: Leadership;
  readonly messagesOf: (rows: readonly OutboxMessage[]) => Promise<RelayMessage[]>;
  readonly logger: Logger;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly maxBackoffMs: number;
  /**
   * Fault injection for the crash test (NODE_ENV=test only): a pause between the broker's ack and the
   * outbox delete, so a SIGKILL lands in that window on purpose.
   */
  readonly pauseAfterAckMs?: number;
  /** Called with each batch the broker acknowledged (metrics, the pipeline bench's latencies). */
  readonly onPublished?: (rows: readonly OutboxMessage[]) => void;
  /** Sends of a batch the broker refuses (a non-retriable error) before its messages go one by one. */
  readonly maxRefusals?: number;
  /** Where unpublishable and refused rows go; the platform's dead-letter topic unless a test names its own. */
  readonly deadLetterTopic?: string;
}

export interface Relay {
  kafkaState(): KafkaLinkState;
  stop(): Promise<void>;
}

const firstBackoffMs = 100;

/** Full jitter: a random wait up to the exponential bound, so restarted relays do not retry in step. */
export const backoffMs = (attempt: number, maxMs: number, random: () => number = Math.random): number =>
  Math.round(random() * Math.min(maxMs, firstBackoffMs * 2 ** Math.min(attempt, 20)));

/** A row the broker refused to take, as the dead-letter topic keeps it: headers and the refusal, no data. */
const refusedRow = (message: Extract<RelayMessage, { kind: 'publish' }>, refusal: string): RelayMessage => ({
  kind: 'unpublishable',
  topic: message.topic,
  headers: message.message.headers,
  reason: `Kafka refused the message: ${refusal}`,
});

type Prepared =
  | { readonly ok: true; readonly rows: readonly OutboxMessage[]; readonly messages: RelayMessage[] }
  | { readonly ok: false; readonly error: unknown };

/** Kafka's error types for a refused ACL or login (TOPIC_AUTHORIZATION_FAILED, SASL_AUTHENTICATION_FAILED, …). */
const accessRefusal = /_AUTHORIZATION_FAILED$|^SASL_AUTHENTICATION_FAILED$/;

const deepestCause = (error: unknown): unknown => {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause === undefined ? error : deepestCause(cause);
};

/**
 * The broker answered and refused (a non-retriable protocol error such as MESSAGE_TOO_LARGE), or the
 * producer refused the message itself: sending the same batch again cannot help. Anything else
 * (connection lost, timeouts, a leader moving) is Kafka being away, retried without bound. So is a
 * refused authorization or authentication: it refuses every message alike until someone fixes the ACLs
 * or credentials, and dead-lettering would empty the outbox meanwhile.
 * Returns the refusal's type, which names it without data.
 */
export const refusalOf = (error: unknown): string | undefined => {
  const cause = deepestCause(error);
  if (!(cause instanceof Error)) return 'unknown';
  const { retriable, type } = cause as { retriable?: unknown; type?: unknown };
  if (typeof type === 'string' && accessRefusal.test(type)) return undefined;
  if (typeof type === 'string' && retriable === false) return type;
  return cause.name.startsWith('KafkaJS') ? undefined : cause.name;
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A row that cannot be published goes to the dead-letter topic with its headers and the reason, no data. */
const deadLetter = (message: Extract<RelayMessage, { kind: 'unpublishable' }>): Message => ({
  key: message.headers['ce_subject'] ?? null,
  value: null,
  headers: { ...message.headers, careflow_original_topic: message.topic, careflow_error: message.reason },
});

const topicMessagesOf = (messages: readonly RelayMessage[], deadLetterTopic: string) => {
  const byTopic = new Map<string, Message[]>();
  for (const message of messages) {
    const topic = message.kind === 'publish' ? message.topic : deadLetterTopic;
    const kafkaMessage: Message =
      message.kind === 'publish'
        ? { key: message.message.key, value: message.message.value, headers: { ...message.message.headers } }
        : deadLetter(message);
    const list = byTopic.get(topic) ?? [];
    list.push(kafkaMessage);
    byTopic.set(topic, list);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, messages: list }));
};

/**
 * Outbox → Kafka, while this process leads: read a batch in log order (gap-safe), publish it with the
 * idempotent producer (acks from all in-sync replicas, one request in flight, so an episode's events
 * land in stream order), and only then delete the rows. A crash between the ack and the delete
 * publishes those rows again: duplicates on the topic, which consumers drop by event id; nothing lost.
 */
export const startRelay = (options: RelayOptions): Relay => {
  const { sql, kafka, leadership, logger, batchSize, pollIntervalMs, maxBackoffMs } = options;
  const maxRefusals = options.maxRefusals ?? 5;
  const deadLetterTopic = options.deadLetterTopic ?? episodeEventsDeadLetterTopic.name;
  let stopped = false;
  let state: KafkaLinkState = 'connecting';
  let everConnected = false;
  let producer: Producer | undefined;
  let databaseTrouble = false;

  const setState = (next: KafkaLinkState): void => {
    if (next === state) return;
    const previous = state;
    state = next;
    if (next === 'connected') {
      logger.info(
        previous === 'refusing'
          ? 'Kafka accepts the outbox again'
          : everConnected
            ? 'Kafka recovered: publishing the outbox again'
            : 'Kafka connected',
      );
      everConnected = true;
    } else if (next === 'lost') {
      logger.warn('Kafka lost: the outbox keeps the events and the relay retries with backoff');
    } else if (next === 'refusing') {
      logger.warn({ count: maxRefusals }, 'Kafka refuses a batch: retrying, then sending its messages one by one');
    }
  };

  const connectedProducer = async (): Promise<Producer> => {
    if (producer) return producer;
    const fresh = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2 on the key, as Java clients partition: an episode's events share a partition.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await fresh.connect();
    producer = fresh;
    return fresh;
  };

  /** A failed producer is replaced: its idempotence sequence and connections are not trusted after a failure. */
  const dropProducer = async (): Promise<void> => {
    const old = producer;
    producer = undefined;
    await old?.disconnect().catch(() => undefined);
  };

  /** One send of messages, acknowledged by all in-sync replicas; undefined when acknowledged, else the failure. */
  const send = async (messages: readonly RelayMessage[]): Promise<unknown> => {
    try {
      const connected = await connectedProducer();
      await connected.sendBatch({ topicMessages: topicMessagesOf(messages, deadLetterTopic), acks: -1 });
      return undefined;
    } catch (error) {
      // A failed producer is not reused: after a failure its sequence numbers are not trusted.
      await dropProducer();
      return error ?? new Error('send failed');
    }
  };

  /**
   * Publishes until the broker acknowledges; false when leadership or the process ended first.
   * Kafka away: retried without bound. Refused maxRefusals times in a row: the messages go one by
   * one, in order, and each one the broker still refuses goes to the dead-letter topic instead, so
   * one bad row cannot hold up the outbox for ever.
   */
  const publish = async (messages: readonly RelayMessage[]): Promise<boolean> => {
    let refusals = 0;
    for (let attempt = 0; ; attempt += 1) {
      if (stopped || !leadership.isLeader()) return false;
      const failure = await send(messages);
      if (failure === undefined) {
        setState('connected');
        return true;
      }
      const refusal = refusalOf(failure);
      refusals = refusal === undefined ? 0 : refusals + 1;
      setState(refusal === undefined ? 'lost' : 'refusing');
      if (refusals >= maxRefusals && messages.length > 1) return publishOneByOne(messages);
      if (refusals >= maxRefusals) {
        const [message] = messages;
        if (message?.kind === 'publish') {
          logger.error(
            { eventId: message.message.headers['ce_id'], code: refusal },
            'Kafka refused an outbox row: sent to the dead-letter topic',
          );
          return publish([refusedRow(message, refusal ?? 'unknown')]);
        }
      }
      await sleep(backoffMs(attempt, maxBackoffMs));
    }
  };

  const publishOneByOne = async (messages: readonly RelayMessage[]): Promise<boolean> => {
    for (const message of messages) {
      if (!(await publish([message]))) return false;
    }
    return true;
  };

  /** The next batch after `after`, read and mapped; never rejects (it runs while a send is under way). */
  const prepare = (after: LogPosition): Promise<Prepared> =>
    readOutbox(sql, after, batchSize)
      .then(
        async (rows): Promise<Prepared> => ({ ok: true, rows, messages: await options.messagesOf(rows) }),
        (error: unknown): Prepared => ({ ok: false, error }),
      )
      .catch((error: unknown): Prepared => ({ ok: false, error }));

  /**
   * Leads until it loses leadership; the position restarts from the first remaining row each time.
   * Pipelined: the next batch is read and mapped, and the last one deleted, while a batch is sent.
   */
  const lead = async (): Promise<void> => {
    let position: LogPosition = startOfLog;
    let next = prepare(position);
    let deleting: Promise<void> = Promise.resolve();
    let deleteFailure: unknown;
    try {
      while (!stopped && leadership.isLeader()) {
        if (deleteFailure !== undefined) throw deleteFailure;
        const batch = await next;
        if (!batch.ok) throw batch.error;
        if (databaseTrouble) logger.info('relay reads the outbox again');
        databaseTrouble = false;
        const last = batch.rows.at(-1);
        if (last === undefined) {
          await sleep(pollIntervalMs);
          next = prepare(position);
          continue;
        }
        next = prepare(last.position);
        if (!(await publish(batch.messages))) return;
        if (options.pauseAfterAckMs) await sleep(options.pauseAfterAckMs);
        position = last.position;
        options.onPublished?.(batch.rows);
        const upTo = position;
        await deleting;
        deleting = deletePublishedOutbox(sql, upTo).then(
          () => undefined,
          (error: unknown) => {
            deleteFailure = error;
          },
        );
      }
    } finally {
      await next;
      await deleting;
    }
  };

  const run = async (): Promise<void> => {
    for (let attempt = 0; !stopped;) {
      await leadership.untilLeader();
      try {
        await lead();
        attempt = 0;
      } catch (error) {
        // PostgreSQL unavailable or the like: the rows stay in the outbox; one line until it works again.
        if (!databaseTrouble) logger.warn({ err: error }, 'relay cannot read or clean the outbox; retrying with backoff');
        databaseTrouble = true;
        await sleep(backoffMs(attempt, maxBackoffMs));
        attempt += 1;
      }
    }
  };
  const running = run();

  return {
    kafkaState: () => state,
    async stop() {
      stopped = true;
      await running;
      await dropProducer();
    },
  };
};
