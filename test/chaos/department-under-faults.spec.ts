import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import postgres, { type Sql } from 'postgres';
import { episodeEventsTopic } from '@careflow/contracts';
import { pollUntil } from '@careflow/event-store/testing';
import { createKafka } from '@careflow/messaging';
import { buildWorkflowBundle } from '@careflow/worker/src/workflow-bundle';
import { type AppFleet, type FleetApp, migrateStack, startAppFleet } from '../support/app-fleet';
import {
  type DriverDepartment,
  type DriverStats,
  type DrivenEpisode,
  driveDepartment,
  episodeScripts,
  seedDepartment,
  seededRandom,
} from '../support/department-driver';
import { caughtUp, consumersOfEpisodeEvents, departmentRows, deliveryCounts } from '../support/department-rows';
import { freePort } from '../support/processes';
import { type PrivateStack, privateStack } from '../support/private-stack';
import { readTopic } from '../support/relay-rig';

const seed = 20_261_201;
const episodeCount = 100;
const payerIds = ['payer-chaos-medicare', 'payer-chaos-commercial'] as const;

const department = (label: string): DriverDepartment => ({
  departmentId: `department-${label}`,
  therapistIds: [`department-${label}-t1`],
  payerIds,
});

type Fault = { readonly name: string; readonly inject: () => Promise<unknown> };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The whole product on servers of its own (PostgreSQL, the Temporal dev server, Kafka), with the six
 * built apps. The same seeded department runs twice through the API: once undisturbed, once while
 * every app is SIGKILLed, the broker is away for 30 s and PostgreSQL and Temporal restart. Both runs
 * must end with the same read models, claims, events and audit trail, every event exactly once in each
 * consumer (docs/chaos.md).
 */
describe('a department under faults', () => {
  let stack: PrivateStack;
  let fleet: AppFleet;
  let owner: Sql;
  const scratch = mkdtempSync(join(tmpdir(), 'careflow-department-chaos-'));

  beforeAll(async () => {
    stack = await privateStack('careflow-chaos');
    await migrateStack(stack.env);
    const bundlePath = join(scratch, 'workflow-bundle.js');
    await buildWorkflowBundle(bundlePath);
    fleet = await startAppFleet({ stackEnv: stack.env, apiPort: await freePort(), workflowBundlePath: bundlePath });
    // A plain client: the apps' database client fetches no array types, and these queries pass id lists.
    owner = postgres(stack.env['MIGRATION_DATABASE_URL'] ?? '', { max: 2, onnotice: () => undefined });
  });

  afterAll(async () => {
    await owner?.end({ timeout: 5 });
    await fleet?.stop();
    await stack?.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Polls through server restarts: a refused connection is only "not yet". */
  const settle = (episodes: readonly DrivenEpisode[], what: string) =>
    pollUntil(
      () => deliveryCounts(owner, episodes).catch((error: unknown) => ({ events: 0, processed: {}, waiting: -1, error: String(error) })),
      caughtUp,
      { what, timeoutMs: 180_000, intervalMs: 500 },
    ).catch((error: unknown) => {
      const tails = (['relay', 'billing', 'reporting', 'notices'] as const).map((app) => `--- ${app}\n${fleet.tail(app)}`).join('\n');
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${tails}`);
    });

  it(`${episodeCount} episodes through the API end as in an undisturbed run, across kills of every app, a 30 s broker outage and restarts of PostgreSQL and Temporal`, async () => {
    const client = { apiUrl: fleet.apiUrl, jwtSecret: fleet.jwtSecret };
    const calm = department('calm');
    const stormy = department('stormy');
    await seedDepartment(client, calm);
    await seedDepartment(client, stormy);
    const scriptsFor = (label: string, of: DriverDepartment) =>
      episodeScripts({ seed, count: episodeCount, label, department: of, minSessions: 2, maxSessions: 3 });

    const calmEpisodes = await driveDepartment(client, calm, scriptsFor('calm', calm), { concurrency: 16, label: 'calm' });
    await settle(calmEpisodes, 'the undisturbed run caught up');

    // The faults, in an order drawn from the seed, spread over the second run's traffic.
    const random = seededRandom(seed);
    const kill = (app: FleetApp): Fault => ({ name: `kill ${app}`, inject: () => fleet.kill(app) });
    const faults: Fault[] = [
      kill('worker'),
      kill('relay'),
      kill('billing'),
      kill('reporting'),
      kill('notices'),
      kill('api'),
      { name: 'broker away 30 s', inject: async () => (await stack.down('kafka'), await pause(30_000), await stack.up('kafka')) },
      { name: 'restart postgres', inject: async () => (await stack.down('postgres'), await stack.up('postgres')) },
      { name: 'restart temporal', inject: async () => (await stack.down('temporal'), await stack.up('temporal')) },
      kill('worker'),
      kill('api'),
    ]
      .map((fault) => ({ fault, order: random() }))
      .sort((a, b) => a.order - b.order)
      .map(({ fault }) => fault);

    const stats: DriverStats = { commands: 0, referrals: 0, retries: 0, latenciesMs: [] };
    const stormyScripts = scriptsFor('stormy', stormy);
    // Requests of the run: each referral, its accepted offer and its commands.
    const requests = stormyScripts.reduce((sum, script) => sum + script.steps('t').length + 2, 0);
    let trafficDone = false;
    const traffic = driveDepartment(client, stormy, stormyScripts, {
      concurrency: 12,
      startEveryMs: 1_000,
      label: 'stormy',
      stats,
    }).finally(() => (trafficDone = true));
    // Fault k lands once the run is k/(faults + 2) done, so all of them land while traffic flows however
    // fast this machine is today.
    const injected: Array<{ name: string; requestsBefore: number; duringTraffic: boolean }> = [];
    for (const [index, fault] of faults.entries()) {
      while (!trafficDone && stats.commands + stats.referrals < (requests * (index + 1)) / (faults.length + 2)) await pause(250);
      injected.push({ name: fault.name, requestsBefore: stats.commands + stats.referrals, duringTraffic: !trafficDone });
      await fault.inject();
      await pause(2_000);
    }
    const stormyEpisodes = await traffic;
    await settle(stormyEpisodes, 'the run under faults caught up');

    expect(injected.filter((fault) => fault.duringTraffic).map((fault) => fault.name)).toEqual(faults.map((fault) => fault.name));
    expect(injected.length).toBeGreaterThanOrEqual(8);
    expect(stormyEpisodes).toHaveLength(episodeCount);
    // The client did have to retry: the faults were felt.
    expect(stats.retries).toBeGreaterThan(0);

    // Every episode finished, its stream gapless.
    const streams = await owner<{ episodeId: string; events: number; last: number; discharged: boolean }[]>`
      SELECT stream_id AS "episodeId", count(*)::int AS events, max(stream_version)::int AS last,
             bool_or(type = 'EpisodeDischarged') AS discharged
      FROM events WHERE stream_id = ANY(${stormyEpisodes.map((episode) => episode.episodeId)}) GROUP BY stream_id`;
    expect(streams).toHaveLength(episodeCount);
    expect(streams.filter((stream) => stream.events !== stream.last || !stream.discharged)).toEqual([]);

    // Each event processed exactly once per consumer (its processed-event record: a row per event id, or billing's mark per episode).
    const counts = await deliveryCounts(owner, stormyEpisodes);
    for (const consumer of consumersOfEpisodeEvents) expect(counts.processed[consumer]).toBe(counts.events);
    const [{ reFolded } = { reFolded: -1 }] = await owner<{ reFolded: number }[]>`
      SELECT (count(*) - count(DISTINCT event_id))::int AS "reFolded" FROM reporting_folded_events`;
    expect(reFolded).toBe(0);

    // Every event reached the topic (the relay is at least once: a relay killed after the broker's ack
    // and before the outbox delete sends its batch again; the consumers' processed-event records drop those).
    const kafka = createKafka({ brokers: [stack.env['KAFKA_BROKERS'] ?? ''], clientId: 'chaos-reader', logger: pino({ level: 'silent' }) });
    const topic = await readTopic(kafka, episodeEventsTopic.name);
    try {
      const [{ total } = { total: 0 }] = await owner<{ total: number }[]>`SELECT count(*)::int AS total FROM events`;
      await pollUntil(
        async () => new Set(topic.messages.map((message) => message.ceId)).size,
        (distinct) => distinct === total,
        { what: 'every event on the topic', timeoutMs: 60_000 },
      );
    } finally {
      await topic.stop();
    }

    // Read models, claims, events and audit trail as in the undisturbed run.
    const expected = await departmentRows(owner, calm.departmentId, 'calm', calmEpisodes);
    const actual = await departmentRows(owner, stormy.departmentId, 'stormy', stormyEpisodes);
    for (const table of Object.keys(expected)) {
      expect({ table, rows: actual[table] }).toEqual({ table, rows: expected[table] });
    }
    expect(expected['billing_claims']?.length).toBeGreaterThan(0);

    process.stdout.write(
      `chaos: ${JSON.stringify({ injected, retries: stats.retries, crashRestarts: fleet.crashRestarts, topicMessages: topic.messages.length })}\n`,
    );
  });
});
