import { spawn, type ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { addDays, defaultDepartmentSettings } from '@careflow/domain';
import { careEpisodeWorkflowType, submitCommandUpdate, episodeSnapshotQuery } from '@careflow/contracts';
import { applicationRoleOf, closeDatabaseClient, createDatabaseClient, createEventStore, migrate } from '@careflow/event-store';
import { pollUntil } from '@careflow/event-store/testing';
import { createDataConverter, startCareEpisode } from '@careflow/temporal';
import { createActivities } from '@careflow/worker/src/activities';
import { shortEpisodeCommands } from '../support/care-episode-script';
import { lead, referral, therapistProfile } from '../support/episode-harness';
import { requireEnv, uniqueSuffix } from '../support/env';
import { historyFixtureKeyring, historyFixtureNamespace } from '../support/histories';
import { freePort, killHard } from '../support/processes';

/**
 * A Temporal dev server of the test's own that suggests continue-as-new after 40 history events,
 * so a short episode crosses several runs: nothing may be lost, repeated or reordered on the way.
 */
describe('care episode across continue-as-new', () => {
  const admin = createDatabaseClient(requireEnv('MIGRATION_DATABASE_URL'), { applicationName: 'careflow-can-admin', maxConnections: 1 });
  const sql = createDatabaseClient(requireEnv('DATABASE_URL'), { applicationName: 'careflow-can', maxConnections: 4 });
  const eventStore = createEventStore({ sql, outboxTopic: 'careflow.episode-events.v1' });
  const dataConverter = createDataConverter(historyFixtureKeyring, historyFixtureNamespace);
  let server: ChildProcess;
  let address: string;

  beforeAll(async () => {
    await migrate(admin, { applicationRole: applicationRoleOf(requireEnv('DATABASE_URL')) });
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    server = spawn(
      requireEnv('TEMPORAL_CLI_PATH'),
      [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--headless',
        '--log-level',
        'error',
        '--dynamic-config-value',
        'limit.historyCount.suggestContinueAsNew=40',
        '--search-attribute',
        'CareflowStatus=Keyword',
        '--search-attribute',
        'CareflowDepartment=Keyword',
        '--search-attribute',
        'CareflowTherapist=Keyword',
        '--search-attribute',
        'CareflowNextDue=Datetime',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const probe = await Connection.connect({ address, connectTimeout: 1_000 });
        await probe.workflowService.getSystemInfo({});
        await probe.close();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  });

  afterAll(async () => {
    if (server) await killHard(server);
    await closeDatabaseClient(sql);
    await closeDatabaseClient(admin);
  });

  it('continues as new several times and still records every command exactly once', async () => {
    const taskQueue = `can-${uniqueSuffix()}`;
    const therapists = [therapistProfile('can-t-1')];
    const workerConnection = await NativeConnection.connect({ address });
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue,
      workflowsPath: require.resolve('@careflow/workflows'),
      dataConverter,
      activities: createActivities({
        eventStore,
        therapistDirectory: { findRoutingCandidates: async () => ({ therapists, previousTherapistIds: [] }) },
      }),
    });
    const connection = await Connection.connect({ address });
    const client = new Client({ connection, dataConverter });
    await worker.runUntil(async () => {
      const now = new Date();
      const { episodeId, handle } = await startCareEpisode(client, {
        taskQueue,
        departmentId: 'department-can',
        settings: defaultDepartmentSettings,
        referral: {
          type: 'ReceiveReferral',
          at: now.toISOString(),
          actor: lead,
          referral: referral(addDays(now.toISOString().slice(0, 10), -12)),
        },
      });
      const offered = await pollUntil(
        async () => (await handle.query(episodeSnapshotQuery)).state.routing?.offers.find((o) => o.outcome === 'pending')?.therapistId,
        (therapistId): therapistId is string => therapistId !== undefined,
        { what: 'the referral is offered to a therapist' },
      );
      const commands = shortEpisodeCommands(offered, now);
      for (const command of commands) await handle.executeUpdate(submitCommandUpdate, { args: [command] });
      await expect(handle.result()).resolves.toBe('finished');

      const runs = await client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` });
      let runCount = 0;
      for await (const run of runs) {
        expect(run.type).toBe(careEpisodeWorkflowType);
        runCount += 1;
      }
      expect(runCount).toBeGreaterThanOrEqual(3);

      const events = await eventStore.readStream(episodeId);
      const count = (type: string) => events.filter((e) => e.type === type).length;
      expect(events.map((e) => e.streamVersion)).toEqual(events.map((_, i) => i + 1));
      expect([
        count('ReferralReceived'),
        count('OfferAccepted'),
        count('SessionRecorded'),
        count('NoteSigned'),
        count('EpisodeDischarged'),
      ]).toEqual([1, 1, 3, 3, 1]);
    });
    await connection.close();
    await workerConnection.close();
  });
});
