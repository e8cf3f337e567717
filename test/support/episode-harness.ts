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
import { createActivities } from '@careflow/worker/src/activities';
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
  const admin = createDatabaseClient(requireEnv('MIGRATION_DATABASE_URL'), { applicationName: 'careflow-tests-migrate', maxConnections: 1 });
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

/** A worker with the real activities; tests that need a different workflow bundle start one of their own. */
export const createEpisodeWorker = (
  harness: Pick<EpisodeHarness, 'env' | 'eventStore' | 'therapists'>,
  options: Pick<WorkerOptions, 'taskQueue' | 'workflowsPath' | 'bundlerOptions'>,
): Promise<Worker> =>
  Worker.create({
    ...options,
    connection: harness.env.nativeConnection,
    dataConverter: createDataConverter(historyFixtureKeyring, historyFixtureNamespace),
    activities: createActivities({
      eventStore: harness.eventStore,
      therapistDirectory: {
        findRoutingCandidates: async () => ({ therapists: harness.therapists, previousTherapistIds: [] }),
      },
    }),
  });

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

export const therapistProfile = (therapistId: string, overrides: Partial<TherapistProfile> = {}): TherapistProfile => ({
  therapistId,
  departmentId: 'department-under-test',
  licenses: [{ state: 'MD', number: `L-${therapistId}`, expiresOn: '2099-12-31' }],
  boardCertifications: ['NCBTMB'],
  specialtyCertificates: [],
  activeEpisodeCount: 3,
  availability: 0.5,
  ...overrides,
});

export const lead = { userId: 'user-lead', role: 'department-lead' };
export const therapistActor = (therapistId: string) => ({ userId: `user-${therapistId}`, role: 'therapist' });
/** The CMS example NPI (valid check digit). */
export const validNpi = '1234567893';

export const referral = (referralDate: string, overrides: Partial<Referral> = {}): Referral => {
  if (!isIsoDate(referralDate)) throw new Error(`not a date: ${referralDate}`);
  return {
    referralId: `referral-${randomUUID()}`,
    patient: { mrn: `mrn-${uniqueSuffix()}`, name: 'Test Patient', birthDate: '1970-01-01', sex: 'female', stateOfResidence: 'MD' },
    referringProvider: { name: 'Dr. Referrer', npi: validNpi, credential: 'MD' },
    diagnosisCodes: ['M54.50'],
    orderedService: 'clinical massage therapy',
    referralDate,
    payer: { payerId: 'payer-under-test' },
    ...overrides,
  };
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

/** Polls the episode's query until `check` holds (the workflow routes in the background). */
export const waitForState = async <T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error('episode did not reach the expected state in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

export const eventTypesOf = async (harness: EpisodeHarness, episodeId: string): Promise<string[]> =>
  (await harness.eventStore.readStream(episodeId)).map((event) => event.type);
