import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Client, Connection, type WorkflowHandle, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { Sql } from 'postgres';
import { addDays, defaultDepartmentSettings } from '@careflow/domain';
import { type CareEpisodeInput, careEpisodeWorkflowId, episodeSnapshotQuery, submitCommandUpdate } from '@careflow/contracts';
import { applicationRoleOf, createDatabaseClient, createEventStore, migrate } from '@careflow/event-store';
import { createDataConverter } from '@careflow/temporal';
import { buildWorkflowBundle } from '@careflow/worker/src/workflow-bundle';
import { shortEpisodeCommands } from '../support/care-episode-script';
import { lead, referral, therapistProfile } from '../support/episode-harness';
import { requireEnv, uniqueSuffix } from '../support/env';
import { historyFixtureKeyring, historyFixtureNamespace } from '../support/histories';
import { killHard, startBuiltApp, waitForExit, waitForOutput } from '../support/processes';

/**
 * The real worker process on the real Temporal dev server and PostgreSQL, SIGKILLed again and again
 * while 20 episodes run at once, each time in the middle of an append: the test holds the events table
 * locked until one of the worker's appends waits on it, kills the worker, then lets the append go on
 * without it. Nothing may be lost, duplicated or reordered: every episode ends with exactly the events
 * of an undisturbed one.
 */
describe('care episodes survive a worker killed at random points', () => {
  const admin = createDatabaseClient(requireEnv('MIGRATION_DATABASE_URL'), { applicationName: 'careflow-chaos-admin', maxConnections: 2 });
  const sql = createDatabaseClient(requireEnv('DATABASE_URL'), { applicationName: 'careflow-chaos', maxConnections: 4 });
  const eventStore = createEventStore({ sql, outboxTopic: 'careflow.episode-events.v1' });
  const departmentId = `department-chaos-${uniqueSuffix()}`;
  const taskQueue = `care-episodes-chaos-${uniqueSuffix()}`;
  const scratch = mkdtempSync(join(tmpdir(), 'careflow-chaos-'));
  const bundlePath = join(scratch, 'workflow-bundle.js');
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    await migrate(admin, {
      applicationRole: applicationRoleOf(requireEnv('DATABASE_URL')),
      appRoles: { worker: applicationRoleOf(requireEnv('WORKER_DATABASE_URL')) },
    });
    for (const therapistId of ['chaos-t-1', 'chaos-t-2']) {
      const {
        therapistId: _id,
        departmentId: _department,
        activeEpisodeCount: _count,
        ...profile
      } = therapistProfile(therapistId, {
        caseloadLimit: 100,
      });
      await admin`INSERT INTO therapists (therapist_id, department_id, profile) VALUES (${`${departmentId}-${therapistId}`}, ${departmentId}, ${admin.json(profile as unknown as Parameters<typeof admin.json>[0])})`;
    }
    await buildWorkflowBundle(bundlePath);
    connection = await Connection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
    client = new Client({ connection, dataConverter: createDataConverter(historyFixtureKeyring, historyFixtureNamespace) });
  });

  afterAll(async () => {
    await connection?.close();
    await sql.end();
    await admin.end();
    rmSync(scratch, { recursive: true, force: true });
  });

  const startWorker = async (): Promise<ChildProcess> => {
    const key = historyFixtureKeyring.keys[historyFixtureKeyring.activeKeyId] as Uint8Array;
    const worker = startBuiltApp('worker', {
      ...process.env,
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKFLOW_BUNDLE_PATH: bundlePath,
      PAYLOAD_KEYS: `${historyFixtureKeyring.activeKeyId}:${Buffer.from(key).toString('base64')}`,
      LOG_LEVEL: 'info',
    });
    await waitForOutput(worker, /worker polling/, 90_000);
    return worker;
  };

  it('completes 20 concurrent episodes, each event exactly once, across at least 10 SIGKILLs landed during appends', async () => {
    let worker = await startWorker();
    let commandsSent = 0;
    let kills = 0;
    let killsDuringAppend = 0;
    let running = true;
    const episodes = await Promise.all(Array.from({ length: 20 }, () => startEpisode()));

    // Kill after a random number of commands (4–8), while an append of this worker waits on the lock,
    // so kills land in the middle of appends (the append is a local activity inside a workflow task:
    // the attempt that replaces it runs at another workflow time, docs/architecture.md#local-activities).
    // Every 8–16 commands gave 10–12 kills in the episodes' 240 commands, and a kill whose append did
    // not come within the wait left 9 in one CI run; so kills come twice as often, until 12 landed.
    const killer = (async () => {
      while (running && killsDuringAppend < 12) {
        const threshold = commandsSent + 4 + Math.floor(Math.random() * 5);
        while (running && commandsSent < threshold) await pause(50);
        if (!running) break;
        await admin.begin(async (tx) => {
          await tx`LOCK TABLE events IN EXCLUSIVE MODE`;
          const appending = await appendWaiting(admin, 10_000);
          if (await killHard(worker)) {
            kills += 1;
            if (appending) killsDuringAppend += 1;
          }
        });
        worker = await startWorker();
      }
    })();

    await Promise.all(
      episodes.map(async ({ handle }) => {
        const offered = await retrying(async () => {
          const snapshot = await handle.query(episodeSnapshotQuery);
          const offer = snapshot.state.routing?.offers.find((o) => o.outcome === 'pending');
          if (!offer) throw new Error('no offer yet');
          return offer.therapistId;
        });
        for (const [index, command] of shortEpisodeCommands(offered, new Date()).entries()) {
          // A worker killed under an Update can hold it past the RPC deadline; the client sends it again
          // with the same update id, which Temporal takes as the same Update (never a second command).
          const updateId = `${handle.workflowId}-command-${index}`;
          await resendingOnTimeout(() => handle.executeUpdate(submitCommandUpdate, { args: [command], updateId }));
          commandsSent += 1;
        }
      }),
    );
    const outcomes = await Promise.all(episodes.map(({ handle }) => handle.result()));
    running = false;
    await killer;
    worker.kill('SIGTERM');
    await waitForExit(worker);

    expect(kills).toBeGreaterThanOrEqual(10);
    expect(killsDuringAppend).toBeGreaterThanOrEqual(10);
    // Evidence from the histories: workflow tasks a killed worker held were timed out and run again.
    const timedOut = await Promise.all(episodes.map(({ handle }) => timedOutWorkflowTasks(handle)));
    expect(timedOut.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
    expect(outcomes).toEqual(episodes.map(() => 'finished'));
    for (const { episodeId } of episodes) {
      const events = await eventStore.readStream(episodeId);
      expect(events.map((e) => e.type)).toEqual(shortEpisodeEventTypes);
      expect(events.map((e) => e.streamVersion)).toEqual(events.map((_, i) => i + 1));
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      const [outbox] = await admin<{ n: number }[]>`
        SELECT count(*)::int AS n FROM outbox o JOIN events e USING (global_position) WHERE e.stream_id = ${episodeId}`;
      expect(outbox?.n).toBe(events.length);
    }
  });

  const startEpisode = async (): Promise<{ episodeId: string; handle: WorkflowHandle }> => {
    const episodeId = randomUUID();
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const input: CareEpisodeInput = {
      episodeId,
      departmentId,
      settings: defaultDepartmentSettings,
      referral: { type: 'ReceiveReferral', at: now.toISOString(), actor: lead, episodeId, referral: referral(addDays(today, -12)) },
    };
    const handle = await client.workflow.start('careEpisode', { taskQueue, workflowId: careEpisodeWorkflowId(episodeId), args: [input] });
    return { episodeId, handle };
  };
});

/** The short episode of care-episode-script, event by event: routing, the notice to the referrer, three signed sessions, discharge. */
const shortEpisodeEventTypes = [
  'ReferralReceived',
  'ReferralRouted',
  'TherapistOffered',
  'OfferAccepted',
  'ReferringProviderNoticeIssued',
  'IntakeRecorded',
  'AssessmentRecorded',
  'PlanOfCareEstablished',
  'PlanOfCareCertified',
  'SessionRecorded',
  'NoteSigned',
  'SessionRecorded',
  'NoteSigned',
  'SessionRecorded',
  'NoteSigned',
  'EpisodeDischarged',
  'ReferringProviderNoticeIssued',
];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits (up to `timeoutMs`) until an append waits on the events table's lock; true if one does. The
 * worker is the only writer of events at that moment: the system level runs one suite at a time.
 * (pg_locks, not pg_stat_activity: the latter hides other roles' wait events from a non-superuser.)
 */
const appendWaiting = async (admin: Sql, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [waiting] = await admin<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'events'::regclass AND NOT granted`;
    if ((waiting?.n ?? 0) > 0) return true;
    await pause(20);
  }
  return false;
};

/** Workflow tasks of the episode's history that timed out (their worker was killed holding them). */
const timedOutWorkflowTasks = async (handle: WorkflowHandle): Promise<number> => {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter((event) => event.workflowTaskTimedOutEventAttributes != null).length;
};

/** Only an Update whose RPC timed out is sent again (a refusal is an answer, not a fault). */
const resendingOnTimeout = async <T>(send: () => Promise<T>, timeoutMs = 180_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) || Date.now() > deadline) throw error;
    }
  }
};

/** Queries fail while no worker is up; the test keeps asking, as a client UI would. */
const retrying = async <T>(attempt: () => Promise<T>, timeoutMs = 120_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await pause(250);
    }
  }
};
