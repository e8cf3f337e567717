/**
 * `npm run bench -- workflow`: the care-episode workflow on the Temporal dev server against the
 * Temporal overhead floor (a workflow with the same Updates and activities doing nothing), run
 * alternately in one process; worker memory per cached episode; replay time per 1,000 history events.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { addDays, defaultDepartmentSettings } from '@careflow/domain';
import { type CareEpisodeInput, careEpisodeWorkflowId, episodeSnapshotQuery, submitCommandUpdate } from '@careflow/contracts';
import { applicationRoleOf, createDatabaseClient, createEventStore, migrate } from '@careflow/event-store';
import { createDataConverter, failureConverterPath } from '@careflow/temporal';
import { createActivities } from '@careflow/worker/src/activities';
import { noOpActivities } from '../fixtures/probe-activities';
import { floorCommandUpdate } from '../fixtures/workflows';
import { shortEpisodeCommands } from '../support/care-episode-script';
import { requireEnv } from '../support/env';
import { lead, referral, therapistProfile } from '../support/episode-harness';
import { historyFixtureKeyring, historyFixtureNamespace, historyFromObject } from '../support/histories';
import { type BenchContext, type BenchRow, round } from './bench';

const rounds = 3;
const episodesPerRound = 20;
// Enough that their memory outgrows the slack a collected heap keeps (RSS moves in whole heap pages).
const cachedEpisodes = 2000;

export default async function workflowBench({ log }: BenchContext): Promise<BenchRow[]> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const admin = createDatabaseClient(requireEnv('MIGRATION_DATABASE_URL'), { applicationName: 'careflow-bench-admin', maxConnections: 1 });
  await migrate(admin, { applicationRole: applicationRoleOf(requireEnv('DATABASE_URL')) });
  await admin.end();
  const sql = createDatabaseClient(requireEnv('DATABASE_URL'), { applicationName: 'careflow-bench', maxConnections: 8 });
  const dataConverter = createDataConverter(historyFixtureKeyring, historyFixtureNamespace);
  const taskQueue = `bench-${randomUUID()}`;
  const therapists = [therapistProfile('bench-t-1', { caseloadLimit: 1000 })];
  const workerConnection = await NativeConnection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    dataConverter,
    maxCachedWorkflows: cachedEpisodes + 100,
    activities: {
      ...createActivities({
        eventStore: createEventStore({ sql, outboxTopic: 'careflow.episode-events.v1' }),
        therapistDirectory: { findRoutingCandidates: async () => ({ therapists, previousTherapistIds: [] }) },
      }),
      ...noOpActivities,
    },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
  const client = new Client({ connection, dataConverter });

  const startCareEpisode = async (): Promise<WorkflowHandle> => {
    const episodeId = randomUUID();
    const now = new Date();
    const input: CareEpisodeInput = {
      episodeId,
      departmentId: 'bench-department',
      settings: defaultDepartmentSettings,
      referral: {
        type: 'ReceiveReferral',
        at: now.toISOString(),
        actor: lead,
        episodeId,
        referral: referral(addDays(now.toISOString().slice(0, 10), -12)),
      },
    };
    return client.workflow.start('careEpisode', { taskQueue, workflowId: careEpisodeWorkflowId(episodeId), args: [input] });
  };

  /** Polls gently: queries compete with the measured work for the same worker. A busy worker may time a query out. */
  const waitForOffer = async (handle: WorkflowHandle): Promise<string> => {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const snapshot = await handle.query(episodeSnapshotQuery).catch(() => undefined);
      const offer = snapshot?.state.routing?.offers.find((o) => o.outcome === 'pending');
      if (offer) return offer.therapistId;
    }
  };

  const careEpisodeRun = async (handle: WorkflowHandle): Promise<number> => {
    for (const command of shortEpisodeCommands(await waitForOffer(handle), new Date())) {
      await handle.executeUpdate(submitCommandUpdate, { args: [command] });
    }
    await handle.result();
    return (await handle.fetchHistory()).events?.length ?? 0;
  };

  const commandsPerEpisode = shortEpisodeCommands('x', new Date()).length;
  const floorRun = async (): Promise<number> => {
    // Start, referral append, directory read and routing append happen before the first command.
    const handle = await client.workflow.start('overheadFloor', {
      taskQueue,
      workflowId: `bench-floor-${randomUUID()}`,
      args: [3, commandsPerEpisode],
    });
    for (let i = 0; i < commandsPerEpisode; i++) await handle.executeUpdate(floorCommandUpdate, { args: [{}] });
    await handle.result();
    return (await handle.fetchHistory()).events?.length ?? 0;
  };

  const measure = async (name: string, run: () => Promise<number>) => {
    const started = performance.now();
    const events = await Promise.all(Array.from({ length: episodesPerRound }, run));
    const seconds = (performance.now() - started) / 1000;
    const transitions = events.reduce((a, b) => a + b, 0);
    log(`${name}: ${episodesPerRound} episodes in ${seconds.toFixed(2)} s, ${transitions} history events`);
    return { episodesPerSecond: episodesPerRound / seconds, transitionsPerSecond: transitions / seconds };
  };

  const ours = { episodes: 0, transitions: 0 };
  const floor = { episodes: 0, transitions: 0 };
  await measure('warm-up', async () => careEpisodeRun(await startCareEpisode()));
  for (let round = 0; round < rounds; round++) {
    const a = await measure('careEpisode', async () => careEpisodeRun(await startCareEpisode()));
    const b = await measure('overhead floor', floorRun);
    ours.episodes += a.episodesPerSecond / rounds;
    ours.transitions += a.transitionsPerSecond / rounds;
    floor.episodes += b.episodesPerSecond / rounds;
    floor.transitions += b.transitionsPerSecond / rounds;
  }

  // Memory: episodes left waiting for an accepted offer stay in the worker's cache.
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const waiting = await Promise.all(Array.from({ length: cachedEpisodes }, startCareEpisode));
  await Promise.all(waiting.map(waitForOffer));
  global.gc?.();
  const rssAfter = process.memoryUsage().rss;
  const mbPerWorkflow = (rssAfter - rssBefore) / cachedEpisodes / 2 ** 20;
  log(
    `memory: RSS ${(rssBefore / 2 ** 20).toFixed(0)} MB -> ${(rssAfter / 2 ** 20).toFixed(0)} MB with ${cachedEpisodes} more cached episodes`,
  );
  await Promise.all(waiting.map((handle) => handle.terminate('benchmark finished')));

  // Replay: the recorded complete episode, timed over several runs of a prebuilt bundle (bundling
  // is a start-up cost, not replay).
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('@careflow/workflows'), failureConverterPath });
  const history = historyFromObject(
    JSON.parse(readFileSync(join(__dirname, '..', 'replay', 'histories', 'complete-episode.json'), 'utf8')),
  );
  const replayRuns = 5;
  const replayStarted = performance.now();
  for (let i = 0; i < replayRuns; i++) {
    await Worker.runReplayHistory({ workflowBundle, dataConverter }, history, `bench-replay-${i}`);
  }
  const msPerThousandEvents = (performance.now() - replayStarted) / replayRuns / ((history.events?.length ?? 1) / 1000);

  worker.shutdown();
  await running;
  await workerConnection.close();
  await connection.close();
  await sql.end();

  return [
    {
      metric: 'complete episodes per second',
      ours: round(ours.episodes),
      peer: round(floor.episodes),
      peerName: 'overhead floor',
      ratio: round(ours.episodes / floor.episodes),
      target: null,
    },
    {
      metric: 'state transitions (history events) per second',
      ours: round(ours.transitions),
      peer: round(floor.transitions),
      peerName: 'overhead floor',
      ratio: round(ours.transitions / floor.transitions),
      target: '>= 0.8x',
    },
    {
      metric: 'worker RSS per cached episode (MB)',
      ours: round(mbPerWorkflow, 3),
      peer: null,
      peerName: null,
      ratio: null,
      target: '<= 1 MB',
    },
    {
      metric: 'replay time per 1,000 history events (ms)',
      ours: round(msPerThousandEvents),
      peer: null,
      peerName: null,
      ratio: null,
      target: null,
    },
  ];
}
