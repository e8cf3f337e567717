import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import pino from 'pino';
import { createKafka, ensureTopics } from '@careflow/messaging';
import { pollUntil } from '@careflow/event-store/testing';
import { requireEnv, uniqueSuffix } from '../support/env';
import { freePort, killHard, startBuiltApp, waitForExit, waitForOutput } from '../support/processes';
import { privateBroker } from '../support/private-broker';
import {
  appendTraffic,
  deliveryProblems,
  episodeEventsTopicFor,
  eventStoreFor,
  openPrivateDatabase,
  readTopic,
  type PrivateDatabase,
} from '../support/relay-rig';

const quietLogger = pino({ level: 'silent' });
const facility = 'test-facility';
const patientKeySecrets = `${facility}=${randomBytes(32).toString('base64')}`;

interface RunningRelay {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
}

const startRelayProcess = async (database: PrivateDatabase, brokers: string, extra: Record<string, string> = {}): Promise<RunningRelay> => {
  const port = await freePort();
  const child = startBuiltApp('relay', {
    PATH: process.env['PATH'],
    NODE_ENV: 'test',
    RELAY_DATABASE_URL: database.relayUrl,
    KAFKA_BROKERS: brokers,
    FACILITY_ID: facility,
    PATIENT_KEY_SECRETS: patientKeySecrets,
    HEALTH_PORT: String(port),
    RELAY_LEADER_TIMEOUT_MS: '4000',
    LOG_LEVEL: 'info',
    ...extra,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, port, output: () => output };
};

const outboxDepth = async (database: PrivateDatabase): Promise<number> => {
  const [row] = await database.sql<{ depth: number }[]>`SELECT count(*)::int AS depth FROM outbox`;
  return row?.depth ?? -1;
};

const firstOutboxEventId = async (database: PrivateDatabase): Promise<string | undefined> => {
  const [row] = await database.sql<{ event_id: string }[]>`
    SELECT e.event_id::text FROM outbox o JOIN events e ON e.global_position = o.global_position
    ORDER BY o.tx_id, o.global_position LIMIT 1`;
  return row?.event_id;
};

const published = async (relay: RunningRelay): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${relay.port}/metrics`)).text();
  const match = /^careflow_relay_published_events_total (\d+)/m.exec(text);
  return Number(match?.[1] ?? 0);
};

const linesMatching = (output: string, pattern: RegExp): number => output.split('\n').filter((line) => pattern.test(line)).length;

describe('the outbox relay as a process, on the real Kafka and PostgreSQL', () => {
  const brokers = requireEnv('KAFKA_BROKERS');
  let database: PrivateDatabase;

  beforeAll(async () => {
    database = await openPrivateDatabase(`careflow_relay_${uniqueSuffix()}`);
  });
  afterAll(async () => {
    await database.close();
  });

  it('given SIGKILLs between the broker’s ack and the outbox delete, 20 times during traffic, then every event is on the topic once or more, in stream order per episode', async () => {
    const topic = episodeEventsTopicFor('kill');
    const kafka = createKafka({ brokers: brokers.split(','), clientId: 'relay-kill-test', logger: quietLogger });
    await ensureTopics(kafka, [{ name: topic, partitions: 3, retentionDays: 1 }]);
    const reader = await readTopic(kafka, topic);
    const store = eventStoreFor(database.sql, topic);
    let kills = 0;
    let killsInWindow = 0;
    let trafficDone = false;
    const traffic = appendTraffic(store, { episodes: 400, concurrency: 4, perSecond: 60, shouldStop: () => kills >= 20 }).finally(() => {
      trafficDone = true;
    });
    try {
      while (kills < 20) {
        // Each relay publishes one batch, logs the connection, and pauses before deleting it: killed there.
        const relay = await startRelayProcess(database, brokers, { RELAY_TEST_PAUSE_AFTER_ACK_MS: '3000', RELAY_BATCH_SIZE: '40' });
        try {
          await waitForOutput(relay.child, /Kafka connected/, 60_000);
        } finally {
          await killHard(relay.child);
        }
        kills += 1;
        const waiting = await firstOutboxEventId(database);
        // The kill was in the window when the first row left in the outbox is already on the topic.
        const onTopic = await pollUntil(
          async () => waiting !== undefined && reader.messages.some((m) => m.ceId === waiting),
          (seen) => seen,
          { what: 'the first waiting outbox row on the topic', timeoutMs: 10_000 },
        ).catch(() => false);
        if (onTopic) killsInWindow += 1;
      }
      const appended = await traffic;
      const relay = await startRelayProcess(database, brokers);
      try {
        await pollUntil(
          () => outboxDepth(database),
          (depth) => depth === 0,
          { what: 'an empty outbox', timeoutMs: 60_000 },
        );
        const expected = [...appended.values()].reduce((sum, ids) => sum + ids.length, 0);
        await pollUntil(
          async () => new Set(reader.messages.map((m) => m.ceId)).size,
          (distinct) => distinct >= expected,
          {
            what: 'every appended event on the topic',
            timeoutMs: 30_000,
          },
        );
        expect(trafficDone).toBe(true);
        expect(killsInWindow).toBeGreaterThanOrEqual(20);
        expect(new Set(reader.messages.map((m) => m.ceId)).size).toBe(expected);
        expect(reader.messages.length).toBeGreaterThan(expected);
        expect(deliveryProblems(appended, reader.messages)).toEqual([]);
      } finally {
        relay.child.kill('SIGTERM');
        await waitForExit(relay.child);
      }
    } finally {
      kills = 20;
      await traffic.catch(() => undefined);
      await reader.stop();
    }
  });

  it('given the broker stopped for 30 s during traffic and started again, then nothing is lost, order is kept, and each state change is logged once', async () => {
    const broker = await privateBroker('relay');
    const topic = episodeEventsTopicFor('outage');
    const kafka = createKafka({ brokers: [broker.brokers], clientId: 'relay-outage-test', logger: quietLogger });
    await ensureTopics(kafka, [{ name: topic, partitions: 3, retentionDays: 1 }]);
    const relay = await startRelayProcess(database, broker.brokers, { RELAY_MAX_BACKOFF_MS: '2000' });
    const store = eventStoreFor(database.sql, topic);
    let stopTraffic = false;
    const traffic = appendTraffic(store, { episodes: 10_000, concurrency: 4, perSecond: 50, shouldStop: () => stopTraffic });
    try {
      await waitForOutput(relay.child, /Kafka connected/, 90_000);
      await broker.stop();
      await new Promise((resolve) => setTimeout(resolve, 30_000));
      await broker.start();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      stopTraffic = true;
      const appended = await traffic;
      await pollUntil(
        () => outboxDepth(database),
        (depth) => depth === 0,
        { what: 'an empty outbox after the outage', timeoutMs: 90_000 },
      );
      const reader = await readTopic(kafka, topic);
      try {
        const expected = [...appended.values()].reduce((sum, ids) => sum + ids.length, 0);
        await pollUntil(
          async () => new Set(reader.messages.map((m) => m.ceId)).size,
          (distinct) => distinct >= expected,
          {
            what: 'every appended event on the topic',
            timeoutMs: 60_000,
          },
        );
        expect(deliveryProblems(appended, reader.messages)).toEqual([]);
        expect(linesMatching(relay.output(), /Kafka lost/)).toBe(1);
        expect(linesMatching(relay.output(), /Kafka recovered/)).toBe(1);
      } finally {
        await reader.stop();
      }
    } finally {
      stopTraffic = true;
      await traffic.catch(() => undefined);
      await killHard(relay.child);
      await broker.remove();
    }
  });

  it('given two relays, then only the leader publishes; a stalled leader and then a killed one are replaced, and every event arrives in order', async () => {
    const topic = episodeEventsTopicFor('leaders');
    const kafka = createKafka({ brokers: brokers.split(','), clientId: 'relay-leader-test', logger: quietLogger });
    await ensureTopics(kafka, [{ name: topic, partitions: 3, retentionDays: 1 }]);
    const reader = await readTopic(kafka, topic);
    const store = eventStoreFor(database.sql, topic);
    let stopTraffic = false;
    const traffic = appendTraffic(store, { episodes: 10_000, concurrency: 4, perSecond: 80, shouldStop: () => stopTraffic });
    const relays = [await startRelayProcess(database, brokers), await startRelayProcess(database, brokers)];
    try {
      await Promise.all(relays.map((relay) => waitForOutput(relay.child, /relay listening/, 90_000)));
      const leaderIndex = await pollUntil(
        async () => relays.findIndex((relay) => /relay is the leader/.test(relay.output())),
        (index) => index >= 0,
        { what: 'a leader', timeoutMs: 30_000 },
      );
      const leader = relays[leaderIndex] as RunningRelay;
      const standby = relays[1 - leaderIndex] as RunningRelay;
      await pollUntil(
        () => published(leader),
        (count) => count > 0,
        { what: 'the leader publishing', timeoutMs: 30_000 },
      );
      expect(await published(standby)).toBe(0);
      const health = (await (await fetch(`http://127.0.0.1:${leader.port}/health`)).json()) as {
        status: string;
        relay: Record<string, unknown>;
      };
      expect(health.status).toBe('up');
      expect(health.relay).toEqual({
        leader: true,
        kafka: 'connected',
        outbox: { depth: expect.any(Number), oldestAgeSeconds: expect.any(Number) },
      });
      const metrics = await (await fetch(`http://127.0.0.1:${standby.port}/metrics`)).text();
      expect(metrics).toMatch(/^careflow_relay_outbox_depth \d+/m);
      expect(metrics).toMatch(/^careflow_relay_outbox_oldest_age_seconds [\d.e+-]+/m);
      expect(metrics).toMatch(/^careflow_relay_leader 0/m);
      expect(/relay is the leader/.test(standby.output())).toBe(false);

      // Stalled: frozen, its lock session falls silent; PostgreSQL ends it and the standby leads.
      leader.child.kill('SIGSTOP');
      await waitForOutput(standby.child, /relay is the leader/, 30_000);
      await pollUntil(
        () => published(standby),
        (count) => count > 0,
        { what: 'the new leader publishing', timeoutMs: 30_000 },
      );
      leader.child.kill('SIGCONT');
      await waitForOutput(leader.child, /relay is no longer the leader/, 30_000);

      // Killed: the former standby dies; the first relay, now standing by, takes over again.
      await killHard(standby.child);
      await waitForOutput(leader.child, /relay is the leader/, 30_000);
      stopTraffic = true;
      const appended = await traffic;
      await pollUntil(
        () => outboxDepth(database),
        (depth) => depth === 0,
        { what: 'an empty outbox', timeoutMs: 60_000 },
      );
      const expected = [...appended.values()].reduce((sum, ids) => sum + ids.length, 0);
      await pollUntil(
        async () => new Set(reader.messages.map((m) => m.ceId)).size,
        (distinct) => distinct >= expected,
        {
          what: 'every appended event on the topic',
          timeoutMs: 30_000,
        },
      );
      expect(deliveryProblems(appended, reader.messages)).toEqual([]);
    } finally {
      stopTraffic = true;
      await traffic.catch(() => undefined);
      for (const relay of relays) {
        relay.child.kill('SIGCONT');
        await killHard(relay.child);
      }
      await reader.stop();
    }
  });
});
