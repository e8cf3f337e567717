/**
 * Test code only: what the relay's tests and the pipeline bench share. A private database (the relay
 * deletes outbox rows: in the shared one it would publish and remove other suites' rows), decided
 * care episodes appended as the worker appends them, and a reader of the topic.
 */
import { randomUUID } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import type { Kafka } from 'kafkajs';
import type { CareEpisodeEvent } from '@careflow/domain';
import * as f from '@careflow/domain/testing';
import {
  closeDatabaseClient,
  createDatabaseClient,
  createEventStore,
  migrate,
  type EventStore,
  type JsonObject,
  type NewEvent,
} from '@careflow/event-store';

const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; eval "$(infra/local/stack env)" first`);
  return value;
};

const inDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

const roleOf = (url: string): string => decodeURIComponent(new URL(url).username);

export interface PrivateDatabase {
  /** The relay's own role (RELAY_DATABASE_URL) in the private database. */
  readonly relayUrl: string;
  /** Billing's own role (BILLING_DATABASE_URL) in the private database: billing consumes what the relay publishes. */
  readonly billingUrl: string;
  /** The role that plays every app's part (the test appends as the worker would). */
  readonly appUrl: string;
  /** The schema owner (what the relay's role may not do: triggers, emptying the outbox). */
  readonly ownerUrl: string;
  readonly sql: Sql;
  close(): Promise<void>;
}

/** A fresh database `name`, migrated by the schema owner, with the relay's and the tests' roles granted. */
export const openPrivateDatabase = async (name: string): Promise<PrivateDatabase> => {
  const superuserUrl = requireEnv('SUPERUSER_DATABASE_URL');
  const ownerUrl = requireEnv('MIGRATION_DATABASE_URL');
  const appUrl = inDatabase(requireEnv('DATABASE_URL'), name);
  const relayUrl = inDatabase(requireEnv('RELAY_DATABASE_URL'), name);
  const billingUrl = inDatabase(requireEnv('BILLING_DATABASE_URL'), name);
  const root = postgres(superuserUrl, { max: 1, onnotice: () => undefined });
  try {
    await root.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await root.unsafe(`CREATE DATABASE ${name} OWNER ${roleOf(ownerUrl)}`);
    await root.unsafe(`GRANT CONNECT ON DATABASE ${name} TO ${roleOf(appUrl)}, ${roleOf(relayUrl)}, ${roleOf(billingUrl)}`);
  } finally {
    await root.end({ timeout: 5 });
  }
  const owner = createDatabaseClient(inDatabase(ownerUrl, name), { applicationName: `${name}-migrate`, maxConnections: 1 });
  try {
    await migrate(owner, { applicationRole: roleOf(appUrl), appRoles: { relay: roleOf(relayUrl), billing: roleOf(billingUrl) } });
  } finally {
    await closeDatabaseClient(owner);
  }
  const sql = createDatabaseClient(appUrl, { applicationName: name, maxConnections: 8 });
  return {
    relayUrl,
    billingUrl,
    appUrl,
    ownerUrl: inDatabase(ownerUrl, name),
    sql,
    close: async () => {
      await closeDatabaseClient(sql);
      const dropper = postgres(superuserUrl, { max: 1, onnotice: () => undefined });
      await dropper.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await dropper.end({ timeout: 5 });
    },
  };
};

const decide = (mrn: string): CareEpisodeEvent[] =>
  f.replay([
    f.receiveReferral({ referral: f.referral({ patient: { ...f.referral().patient, mrn } }) }),
    f.routeReferral(),
    f.acceptOffer(),
    f.recordIntake(),
    f.recordAssessment(),
    f.establishPlan(),
    f.certify(),
    ...f.dailySessions(8, '2025-03-07'),
  ]).events as CareEpisodeEvent[];

let decidedOnce: CareEpisodeEvent[] | undefined;

/**
 * The events of one decided episode, referral to the eighth session, as the domain decides them for
 * a patient with this MRN. Decided once and copied with the MRN replaced, so the traffic a test or
 * the bench generates costs little CPU next to the relay it measures.
 */
export const decidedEpisode = (mrn: string): CareEpisodeEvent[] => {
  decidedOnce ??= decide('mrn-template');
  return decidedOnce.map((event) =>
    event.type === 'ReferralReceived' ? { ...event, referral: { ...event.referral, patient: { ...event.referral.patient, mrn } } } : event,
  );
};

/** A domain event as the worker stores it: the whole event as data, with a fresh event id. */
export const storedEvent = (event: CareEpisodeEvent): NewEvent => ({
  eventId: randomUUID(),
  type: event.type,
  schemaVersion: event.schemaVersion,
  data: JSON.parse(JSON.stringify(event)) as JsonObject,
  metadata: { actor: event.actor.userId, correlationId: randomUUID(), occurredAt: event.occurredAt },
});

export const episodeEventsTopicFor = (label: string): string => `careflow.test-relay-${label}-${randomUUID().slice(0, 8)}`;

export const eventStoreFor = (sql: Sql, topic: string): EventStore =>
  createEventStore({ sql, outboxTopic: topic, eventSource: 'careflow/test' });

/**
 * Appends episodes one event per transaction, `concurrency` episodes at a time, at most `perSecond`
 * events per second overall; returns each episode's event ids in stream order.
 */
export const appendTraffic = async (
  store: EventStore,
  options: { episodes: number; concurrency: number; perSecond?: number; shouldStop?: () => boolean },
): Promise<Map<string, string[]>> => {
  const appended = new Map<string, string[]>();
  const started = Date.now();
  let total = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.episodes && !(options.shouldStop?.() ?? false)) {
      next += 1;
      const episodeId = `episode-${randomUUID()}`;
      const ids: string[] = [];
      appended.set(episodeId, ids);
      const events = decidedEpisode(`mrn-${episodeId}`);
      for (const [index, event] of events.entries()) {
        const stored = storedEvent(event);
        await store.appendToStream(episodeId, index, [stored]);
        ids.push(stored.eventId);
        total += 1;
        if (options.perSecond) {
          const due = started + (total / options.perSecond) * 1000;
          if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return appended;
};

export interface TopicMessage {
  readonly key: string;
  readonly ceId: string;
  readonly partition: number;
  readonly offset: string;
}

/** Reads `topic` from the beginning, remembering every message's key and ce_id. */
export const readTopic = async (kafka: Kafka, topic: string) => {
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}` });
  const messages: TopicMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      messages.push({
        key: message.key?.toString() ?? '',
        ceId: message.headers?.['ce_id']?.toString() ?? '',
        partition,
        offset: message.offset,
      });
    },
  });
  return { messages, stop: () => consumer.disconnect() };
};

/**
 * Every appended event is on the topic (duplicates allowed) and, per episode, the first occurrences
 * are in stream order; returns the problems found (empty when none).
 */
export const deliveryProblems = (appended: ReadonlyMap<string, readonly string[]>, messages: readonly TopicMessage[]): string[] => {
  const firstSeen = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const message of messages) {
    if (seen.has(message.ceId)) continue;
    seen.add(message.ceId);
    const list = firstSeen.get(message.key) ?? [];
    list.push(message.ceId);
    firstSeen.set(message.key, list);
  }
  const problems: string[] = [];
  for (const [episodeId, ids] of appended) {
    const onTopic = firstSeen.get(episodeId) ?? [];
    if (onTopic.length !== ids.length) problems.push(`${episodeId}: ${ids.length} appended, ${onTopic.length} distinct on the topic`);
    else if (onTopic.some((id, index) => id !== ids[index])) problems.push(`${episodeId}: out of stream order`);
  }
  return problems;
};
