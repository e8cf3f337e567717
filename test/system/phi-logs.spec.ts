import { randomBytes, randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { addDays, type CareEpisodeCommand, defaultDepartmentSettings, type Referral } from '@careflow/domain';
import { type CareEpisodeInput, careEpisodeWorkflowId, episodeSnapshotQuery, submitCommandUpdate } from '@careflow/contracts';
import { closeDatabaseClient, createDatabaseClient, databaseApps } from '@careflow/event-store';
import { createDataConverter } from '@careflow/temporal';
import { lead, referral, therapistActor, therapistProfile } from '../support/episode-harness';
import { requireEnv, uniqueSuffix } from '../support/env';
import { historyFixtureKeyring, historyFixtureNamespace } from '../support/histories';
import { freePort, killHard, startBuiltApp, startTypeScriptProcess, waitForExit } from '../support/processes';

const payloadKeys = `${historyFixtureKeyring.activeKeyId}:${Buffer.from(historyFixtureKeyring.keys[historyFixtureKeyring.activeKeyId] as Uint8Array).toString('base64')}`;

/** What a deployed app gets: its own database URL and nothing of the owner's or the other apps'. */
const appEnv = (app: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env['PATH'],
  [`${app.toUpperCase()}_DATABASE_URL`]: requireEnv(`${app.toUpperCase()}_DATABASE_URL`),
  TEMPORAL_ADDRESS: requireEnv('TEMPORAL_ADDRESS'),
  KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
  PAYLOAD_KEYS: payloadKeys,
  // As chatty as the apps get: every line must still be free of PHI.
  LOG_LEVEL: 'debug',
  ...extra,
});

/** Everything a process prints, on either stream. */
const recordOutput = (child: ChildProcess): (() => string) => {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return () => output;
};

const isAppLogLine = (line: string): boolean => {
  try {
    const parsed = JSON.parse(line) as { app?: unknown };
    return parsed.app === 'worker' || parsed.app === 'api';
  } catch {
    return false;
  }
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const eventually = async <T>(attempt: () => Promise<T>, timeoutMs = 60_000): Promise<T> => {
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

/**
 * A patient whose name and MRN are canaries: the real worker and api processes run an episode of
 * theirs (a refused command, accepted commands carrying free text, an append that fails in the
 * database with the patient's data in the error's context, requests to the api quoting the patient)
 * and the canaries must never appear in anything the processes print.
 */
describe('the apps never print PHI', () => {
  const suffix = uniqueSuffix();
  const canaryName = `Zelda Canaryfield ${suffix}`;
  const canaryMrn = `MRN-CANARY-${suffix}`;
  const departmentId = `department-phi-${suffix}`;
  const taskQueue = `care-episodes-phi-${suffix}`;
  const therapistId = `${departmentId}-t-1`;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    const migrate = startTypeScriptProcess('libs/event-store/src/migrate-cli.ts', [], {
      PATH: process.env['PATH'],
      MIGRATION_DATABASE_URL: requireEnv('MIGRATION_DATABASE_URL'),
      ...Object.fromEntries(
        databaseApps.map((app) => [`${app.toUpperCase()}_DATABASE_URL`, requireEnv(`${app.toUpperCase()}_DATABASE_URL`)]),
      ),
    });
    const migrated = recordOutput(migrate);
    const exit = await waitForExit(migrate);
    if (exit.code !== 0) throw new Error(`the migration step failed: ${migrated()}`);
    const owner = createDatabaseClient(requireEnv('MIGRATION_DATABASE_URL'), { applicationName: 'careflow-phi-setup', maxConnections: 1 });
    try {
      const {
        therapistId: _id,
        departmentId: _department,
        activeEpisodeCount: _count,
        ...profile
      } = therapistProfile(therapistId, {
        caseloadLimit: 100,
      });
      await owner`INSERT INTO therapists (therapist_id, department_id, profile) VALUES (${therapistId}, ${departmentId}, ${owner.json(profile as unknown as Parameters<typeof owner.json>[0])})`;
    } finally {
      await closeDatabaseClient(owner);
    }
    connection = await Connection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
    client = new Client({ connection, dataConverter: createDataConverter(historyFixtureKeyring, historyFixtureNamespace) });
  });

  afterAll(async () => {
    await connection?.close();
  });

  const startEpisode = async (patient: Partial<Referral['patient']>): Promise<WorkflowHandle> => {
    const episodeId = randomUUID();
    const now = new Date().toISOString();
    const base = referral(addDays(now.slice(0, 10), -12));
    const input: CareEpisodeInput = {
      episodeId,
      departmentId,
      settings: defaultDepartmentSettings,
      referral: {
        type: 'ReceiveReferral',
        at: now,
        actor: lead,
        episodeId,
        referral: { ...base, patient: { ...base.patient, ...patient } },
      },
    };
    return client.workflow.start('careEpisode', { taskQueue, workflowId: careEpisodeWorkflowId(episodeId), args: [input] });
  };

  it('keeps the canary patient out of the worker and api output', async () => {
    const worker = startBuiltApp('worker', appEnv('worker', { TEMPORAL_TASK_QUEUE: taskQueue }));
    const workerOutput = recordOutput(worker);
    const port = await freePort();
    const api = startBuiltApp(
      'api',
      appEnv('api', {
        API_PORT: String(port),
        AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
        AUDIT_HMAC_KEYS: `audit1:${randomBytes(32).toString('base64')}`,
        FACILITY_ID: 'facility-under-test',
        PATIENT_KEY_SECRETS: `facility-under-test=${randomBytes(32).toString('base64')}`,
        // The shared referral topic is left to the deployment's own consumer.
        REFERRAL_FEED: 'off',
      }),
    );
    const apiOutput = recordOutput(api);
    const episodes: WorkflowHandle[] = [];
    try {
      await eventually(async () => expect(workerOutput()).toMatch(/worker polling/), 180_000);
      await eventually(async () => expect(apiOutput()).toMatch(/api listening/), 90_000);

      const episode = await startEpisode({ name: canaryName, mrn: canaryMrn });
      episodes.push(episode);
      await eventually(async () => {
        const snapshot = await episode.query(episodeSnapshotQuery);
        if (!snapshot.state.routing?.offers.some((offer) => offer.outcome === 'pending')) throw new Error('no offer yet');
      });
      const at = new Date().toISOString();
      const intake = (actor: { userId: string; role: string }): CareEpisodeCommand => ({
        type: 'RecordIntake',
        at,
        actor,
        intake: {
          medicalHistory: [`${canaryName} history`],
          medications: [],
          allergies: [],
          recentSurgeries: [],
          patientGoals: [`${canaryName} wants to sleep through`],
          findings: [],
        },
      });
      // Refused: billing may not record an intake.
      await expect(
        episode.executeUpdate(submitCommandUpdate, { args: [intake({ userId: 'user-billing', role: 'billing' })] }),
      ).rejects.toThrow();
      await episode.executeUpdate(submitCommandUpdate, {
        args: [{ type: 'AcceptOffer', at, actor: therapistActor(therapistId), therapistId }],
      });
      await episode.executeUpdate(submitCommandUpdate, { args: [intake(therapistActor(therapistId))] });

      // A name with a NUL character: the append activity fails with the patient's data at hand (the
      // database would quote it in its error's context), and the episode with it.
      const failing = await startEpisode({ name: `${canaryName}\u0000`, mrn: `${canaryMrn}-2` });
      episodes.push(failing);
      await eventually(async () => {
        const description = await failing.describe();
        const attempt = description.raw.pendingActivities?.[0]?.attempt ?? 0;
        if (description.status.name !== 'FAILED' && attempt < 2) throw new Error('the append has not failed yet');
      });

      const quoting = JSON.stringify({
        payloads: [{ metadata: {}, data: Buffer.from(canaryName).toString('base64') }],
        patient: canaryName,
      });
      await fetch(`http://127.0.0.1:${port}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: quoting,
      });
      await fetch(`http://127.0.0.1:${port}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"patient": "${canaryName}", broken`,
      });
    } finally {
      await Promise.all(episodes.map((handle) => handle.terminate('test over').catch(() => undefined)));
      worker.kill('SIGTERM');
      api.kill('SIGTERM');
      await Promise.race([Promise.all([waitForExit(worker), waitForExit(api)]), pause(60_000)]);
      await killHard(worker);
      await killHard(api);
    }

    const printed = `${workerOutput()}\n${apiOutput()}`;
    // Every line is the app logger's (so passed its allow-list): the Temporal runtime, the workflows
    // and Nest print nothing beside it.
    const lines = printed.split('\n').filter((line) => line.trim() !== '');
    expect(lines.filter((line) => !isAppLogLine(line))).toEqual([]);
    // The failing append was seen (and logged) by the worker: the error path was exercised.
    expect(lines.some((line) => line.includes('"activityType":"appendEpisodeEvents"'))).toBe(true);
    for (const canary of [canaryName, canaryMrn, 'Zelda Canaryfield']) expect(printed).not.toContain(canary);
  });
});
