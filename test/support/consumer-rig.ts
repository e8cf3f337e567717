/**
 * Test code only: what the consumer framework's tests share. Each test gets topics, a consumer name
 * and a table of its own; the test consumer writes one row per applied event, with the episode's
 * sequence number, so "exactly once" and "in order per episode" are counts and comparisons in SQL.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, Message } from 'kafkajs';
import type { Sql, TransactionSql } from 'postgres';
import { cloudEventHeaders, type CloudEventAttributes } from '@careflow/contracts';
import type { ConsumedEpisodeEvent } from '@careflow/messaging';

export interface SentEvent {
  readonly eventId: string;
  readonly episodeId: string;
  readonly sequence: number;
}

/** A readable ProgressReportDueSoon message whose treatmentDaysInPeriod carries the episode's sequence. */
export const eventMessage = ({ eventId, episodeId, sequence }: SentEvent): Message => {
  const attributes: CloudEventAttributes = {
    id: eventId,
    type: 'ProgressReportDueSoon',
    source: 'careflow/test',
    subject: episodeId,
    time: '2026-01-05T10:00:00.000Z',
    schemaVersion: 1,
    streamVersion: sequence,
    globalPosition: sequence,
  };
  return {
    key: episodeId,
    value: JSON.stringify({
      episodeId,
      patientKey: 'a'.repeat(64),
      occurredAt: '2026-01-05T10:00:00.000Z',
      actor: { userId: 'therapist-1', role: 'therapist' },
      treatmentDaysInPeriod: sequence,
    }),
    headers: { ...cloudEventHeaders(attributes), 'content-type': 'application/json' },
  };
};

/** `episodes` episodes of `perEpisode` events each, interleaved as traffic would be. */
export const eventsFor = (prefix: string, episodes: number, perEpisode: number): SentEvent[] => {
  const events: SentEvent[] = [];
  for (let sequence = 1; sequence <= perEpisode; sequence++) {
    for (let episode = 0; episode < episodes; episode++) {
      events.push({ eventId: randomUUID(), episodeId: `${prefix}-episode-${episode}`, sequence });
    }
  }
  return events;
};

export const publish = async (kafka: Kafka, topic: string, events: readonly SentEvent[], chunk = 500): Promise<void> => {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let start = 0; start < events.length; start += chunk) {
      await producer.send({ topic, acks: -1, messages: events.slice(start, start + chunk).map(eventMessage) });
    }
  } finally {
    await producer.disconnect();
  }
};

export interface TestTopics {
  readonly events: string;
  readonly deadLetter: string;
  remove(): Promise<void>;
}

export const createTestTopics = async (kafka: Kafka, suffix: string, partitions = 6): Promise<TestTopics> => {
  const events = `test.consumer.${suffix}`;
  const deadLetter = `${events}.dlq`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: events, numPartitions: partitions, replicationFactor: 1 },
        { topic: deadLetter, numPartitions: 1, replicationFactor: 1 },
      ],
    });
  } finally {
    await admin.disconnect();
  }
  return {
    events,
    deadLetter,
    remove: async () => {
      const remover = kafka.admin();
      await remover.connect();
      await remover.deleteTopics({ topics: [events, deadLetter] }).catch(() => undefined);
      await remover.disconnect();
    },
  };
};

export interface TestTable {
  readonly name: string;
  /** The test consumer's apply: one row per applied event. */
  apply(tx: TransactionSql, event: ConsumedEpisodeEvent): Promise<void>;
  /** The same for several events, in one statement. */
  applyMany(tx: TransactionSql, events: readonly ConsumedEpisodeEvent[]): Promise<void>;
  /** Rows per event id (every applied event, with how often it was applied). */
  appliedCounts(): Promise<Map<string, number>>;
  total(): Promise<number>;
  /** Episodes whose applied sequence numbers are not ascending in the order they were applied. */
  outOfOrderEpisodes(): Promise<string[]>;
  drop(): Promise<void>;
}

/** A table of the test's own, created by the superuser and granted to the role the consumer runs as. */
export const createTestTable = async (superuser: Sql, suffix: string, role: string): Promise<TestTable> => {
  const name = `consumer_test_${suffix}`;
  await superuser.unsafe(`CREATE TABLE ${name} (
    applied   bigserial PRIMARY KEY,
    event_id  uuid NOT NULL,
    episode_id text NOT NULL,
    sequence  integer NOT NULL
  )`);
  await superuser.unsafe(`GRANT SELECT, INSERT ON ${name} TO ${role}; GRANT USAGE ON SEQUENCE ${name}_applied_seq TO ${role}`);
  const row = (event: ConsumedEpisodeEvent) => ({
    event_id: event.eventId,
    episode_id: event.data.episodeId,
    sequence: event.type === 'ProgressReportDueSoon' ? event.data.treatmentDaysInPeriod : -1,
  });
  return {
    name,
    apply: async (tx, event) => {
      await tx`INSERT INTO ${tx(name)} ${tx(row(event), 'event_id', 'episode_id', 'sequence')}`;
    },
    applyMany: async (tx, events) => {
      await tx`INSERT INTO ${tx(name)} ${tx(events.map(row), 'event_id', 'episode_id', 'sequence')}`;
    },
    appliedCounts: async () => {
      const rows = await superuser<{ eventId: string; count: number }[]>`
        SELECT event_id::text AS "eventId", count(*)::int AS count FROM ${superuser(name)} GROUP BY event_id`;
      return new Map(rows.map((row) => [row.eventId, row.count]));
    },
    total: async () => {
      const [row] = await superuser<{ count: number }[]>`SELECT count(*)::int AS count FROM ${superuser(name)}`;
      return row?.count ?? 0;
    },
    outOfOrderEpisodes: async () => {
      const rows = await superuser<{ episodeId: string }[]>`
        SELECT DISTINCT episode_id AS "episodeId" FROM (
          SELECT episode_id, sequence, lag(sequence) OVER (PARTITION BY episode_id ORDER BY applied) AS previous
          FROM ${superuser(name)}) ordered
        WHERE previous IS NOT NULL AND sequence <= previous`;
      return rows.map((row) => row.episodeId);
    },
    drop: async () => {
      await superuser.unsafe(`DROP TABLE IF EXISTS ${name}`);
    },
  };
};
