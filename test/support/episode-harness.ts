/**
 * Runs the real care-episode workflow and activities on the Temporal time-skipping test server,
 * with the real PostgreSQL event store behind the activities and the production payload codec.
 * Only the therapist directory is a fixed list, since what the tests vary is the department's staff.
 */
import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import {
  type CareEpisodeCommand,
  type DepartmentSettings,
  type Referral,
  type TherapistProfile,
  defaultDepartmentSettings,
  isIsoDate,
  localDateOf,
} from '@careflow/domain';
import {
  type CommandOutcome,
  type EpisodeSnapshot,
  episodeDepartmentSearchAttribute,
  episodeNextDueSearchAttribute,
  episodeStatusSearchAttribute,
  episodeTherapistSearchAttribute,
  episodeSnapshotQuery,
  submitCommandUpdate,
} from '@careflow/contracts';
import { applicationRoleOf, createDatabaseClient, createEventStore, type EventStore, migrate } from '@careflow/event-store';
import { createDataConverter, startCareEpisode } from '@careflow/temporal';
import { createActivities, type TherapistDirectory } from '@careflow/worker/src/activities';
import * as f from '@careflow/domain/testing';
import { requireEnv, uniqueSuffix } from './env';
import { historyFixtureKeyring, historyFixtureNamespace } from './histories';

export const msPerDay = 86_400_000;

export interface EpisodeHarness {
  readonly env: TestWorkflowEnvironment;
  readonly sql: Sql;
  readonly eventStore: EventStore;
  readonly taskQueue: string;
  /** Therapists the directory returns for every department; tests replace it before starting an episode. */
  therapists: TherapistProfile[];
  teardown(): Promise<void>;
}

export const startHarness = async (): Promise<EpisodeHarness> => {
  const admin = createDatabaseClient(requireEnv('MIGRATION_DATABASE_URL'), {
    applicationName: 'careflow-tests-migrate',
    maxConnections: 1,
  });
  await migrate(admin, { applicationRole: applicationRoleOf(requireEnv('DATABASE_URL')) });
  await admin.end();

  const sql = createDatabaseClient(requireEnv('DATABASE_URL'), { applicationName: 'careflow-workflow-tests', maxConnections: 4 });
  const eventStore = createEventStore({ sql, outboxTopic: 'careflow.episode-events.v1', eventSource: 'careflow/tests' });
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: requireEnv('TEMPORAL_TEST_SERVER_PATH') } },
    client: { dataConverter: createDataConverter(historyFixtureKeyring, historyFixtureNamespace) },
  });
  await registerSearchAttributes(env);
  const taskQueue = `care-episodes-${uniqueSuffix()}`;
  const harness: EpisodeHarness = {
    env,
    sql,
    eventStore,
    taskQueue,
    therapists: [],
    async teardown() {
      worker.shutdown();
      await running;
      await env.teardown();
      await sql.end();
    },
  };
  const worker = await createEpisodeWorker(harness, { taskQueue, workflowsPath: require.resolve('@careflow/workflows') });
  const running = worker.run();
  return harness;
};

/**
 * A worker with the real activities; tests that need a different workflow bundle start one of their own,
 * and tests that need routing to take its time give a directory of their own.
 */
export const createEpisodeWorker = (
  harness: Pick<EpisodeHarness, 'env' | 'eventStore' | 'therapists'>,
  options: Pick<WorkerOptions, 'taskQueue' | 'workflowsPath' | 'bundlerOptions'> & { readonly therapistDirectory?: TherapistDirectory },
): Promise<Worker> => {
  const { therapistDirectory, ...workerOptions } = options;
  return Worker.create({
    ...workerOptions,
    connection: harness.env.nativeConnection,
    dataConverter: createDataConverter(historyFixtureKeyring, historyFixtureNamespace),
    activities: createActivities({
      eventStore: harness.eventStore,
      therapistDirectory: therapistDirectory ?? {
        findRoutingCandidates: async () => ({ therapists: harness.therapists, previousTherapistIds: [] }),
      },
    }),
  });
};

/** The dev server has them from `infra/local/stack`; the test server starts empty each run. */
const registerSearchAttributes = async (env: TestWorkflowEnvironment): Promise<void> => {
  const { INDEXED_VALUE_TYPE_KEYWORD: KEYWORD, INDEXED_VALUE_TYPE_DATETIME: DATETIME } = temporal.api.enums.v1.IndexedValueType;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: {
      [episodeStatusSearchAttribute.name]: KEYWORD,
      [episodeDepartmentSearchAttribute.name]: KEYWORD,
      [episodeTherapistSearchAttribute.name]: KEYWORD,
      [episodeNextDueSearchAttribute.name]: DATETIME,
    },
  });
};

/** The test server's clock, which time skipping moves; commands carry it as `at`, and `today` is the department's. */
export const clock = async (env: TestWorkflowEnvironment) => {
  const now = new Date(await env.currentTimeMs()).toISOString();
  return { now, today: localDateOf(now, defaultDepartmentSettings.timeZone) };
};

/** The domain fixtures' therapist, in the department under test, licensed for as long as any test runs. */
export const therapistProfile = (therapistId: string, overrides: Partial<TherapistProfile> = {}): TherapistProfile =>
  f.therapistProfile(therapistId, {
    departmentId: 'department-under-test',
    licenses: [{ state: 'MD', number: `L-${therapistId}`, expiresOn: '2099-12-31' }],
    activeEpisodeCount: 3,
    ...overrides,
  });

export const { lead, validNpi } = f;
export const therapistActor = (therapistId: string) => ({ userId: `user-${therapistId}`, role: f.therapist.role });

/** The domain fixtures' referral, with ids of its own so tests never share a patient or a referral. */
export const referral = (referralDate: string, overrides: Partial<Referral> = {}): Referral => {
  if (!isIsoDate(referralDate)) throw new Error(`not a date: ${referralDate}`);
  const order = f.referral();
  return f.referral({
    referralId: `referral-${randomUUID()}`,
    patient: { ...order.patient, mrn: `mrn-${uniqueSuffix()}` },
    referralDate,
    payer: { payerId: 'payer-under-test' },
    ...overrides,
  });
};

export interface StartedEpisode {
  readonly episodeId: string;
  readonly handle: WorkflowHandle;
  /** Sends a command as an Update and returns what it appended. */
  submit(command: CareEpisodeCommand): Promise<CommandOutcome>;
  snapshot(): Promise<EpisodeSnapshot>;
}

export const startEpisode = async (
  harness: EpisodeHarness,
  options: {
    referral?: Partial<Referral>;
    referralRecord?: Referral;
    settings?: DepartmentSettings;
    departmentId?: string;
    taskQueue?: string;
  } = {},
): Promise<StartedEpisode> => {
  const { now, today } = await clock(harness.env);
  const { episodeId, handle } = await startCareEpisode(harness.env.client, {
    taskQueue: options.taskQueue ?? harness.taskQueue,
    departmentId: options.departmentId ?? 'department-under-test',
    settings: options.settings ?? defaultDepartmentSettings,
    referral: { type: 'ReceiveReferral', at: now, actor: lead, referral: options.referralRecord ?? referral(today, options.referral) },
  });
  return {
    episodeId,
    handle,
    submit: (command) => handle.executeUpdate(submitCommandUpdate, { args: [command] }),
    snapshot: () => handle.query(episodeSnapshotQuery),
  };
};

/** The domain code carried by a refused Update (undefined when the Update succeeded or failed otherwise). */
export const refusalCode = async (attempt: Promise<unknown>): Promise<string | undefined> => {
  try {
    await attempt;
    return undefined;
  } catch (error) {
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure) return (cause.details?.[0] as { code?: string } | undefined)?.code;
    throw error;
  }
};

export const eventTypesOf = async (harness: EpisodeHarness, episodeId: string): Promise<string[]> =>
  (await harness.eventStore.readStream(episodeId)).map((event) => event.type);
