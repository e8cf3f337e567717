/**
 * Reporting on the real broker and database: whole episodes go through the store, the relay's
 * mapping and Kafka to the reporting consumer; the read models hold what the episodes say, routing
 * counts caseloads from them, no identifier reaches them, and a rebuild from the event store (also
 * while the consumer runs) gives the same rows.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Kafka } from 'kafkajs';
import { defaultDepartmentSettings, type CareEpisodeEvent } from '@careflow/domain';
import * as f from '@careflow/domain/testing';
import { createLogger } from '@careflow/config';
import { pollUntil } from '@careflow/event-store/testing';
import { createIntegrationEvents, createKafka, startEpisodeEventConsumer, type EpisodeEventConsumer } from '@careflow/messaging';
import { canaries, canaryPatient, canaryReferral, freeText } from '@careflow/contracts/src/integration-events/testing/canaries';
import { wholeEpisode } from '@careflow/contracts/src/integration-events/testing/whole-episode';
import { applyConsumedEvent } from '@careflow/reporting/src/read-models/apply';
import { rebuildReadModels } from '@careflow/reporting/src/rebuild';
import { createPostgresTherapistDirectory } from '@careflow/worker/src/therapist-directory';
import { createTestTopics, type TestTopics } from '../support/consumer-rig';
import { requireEnv, uniqueSuffix } from '../support/env';
import { decidedEpisode } from '../support/relay-rig';
import {
  appendEpisode,
  facility,
  keyring,
  openReportingDatabase,
  publishOutbox,
  readModelRows,
  reportingTableKeys,
  type ReportingDatabase,
} from '../support/reporting-rig';

const logger = createLogger('reporting-test', process.env['TEST_LOG_LEVEL'] ?? 'silent');
const suffix = uniqueSuffix();

const roleOf = (url: string): string => decodeURIComponent(new URL(url).username);

/** Treated and reported on: NPRS 7 → 5 and ODI 40 → 32 (8 points: below the default MCID of 10). */
const reportedEpisode = (): CareEpisodeEvent[] =>
  f.replay([...f.certified(), ...f.dailySessions(3), f.progressReport('r-1', '2025-03-12')]).events as CareEpisodeEvent[];

const canaryEpisode = (): CareEpisodeEvent[] =>
  f.replay(wholeEpisode({ referral: canaryReferral(), text: freeText })).events as CareEpisodeEvent[];

describe('reporting, fed from Kafka and rebuilt from the event store', () => {
  let kafka: Kafka;
  let database: ReportingDatabase;
  let topics: TestTopics;
  let consumer: EpisodeEventConsumer | undefined;
  /** Events appended per episode: a summary is complete when its stream_version says so. */
  const appended = new Map<string, number>();

  const append = async (episodeId: string, events: readonly CareEpisodeEvent[], departmentId?: string): Promise<void> => {
    await appendEpisode(database, episodeId, events, departmentId);
    appended.set(episodeId, events.length);
  };

  const caughtUp = () =>
    pollUntil(
      async () => database.sql<{ episode_id: string; stream_version: number }[]>`SELECT episode_id, stream_version FROM episode_summaries`,
      (rows) => rows.length === appended.size && rows.every((row) => appended.get(row.episode_id) === row.stream_version),
      { what: 'the consumer folds every appended event', timeoutMs: 20_000 },
    );

  const rebuild = () =>
    rebuildReadModels({
      source: database.relaySql,
      target: database.reportingSql,
      integrationEvents: createIntegrationEvents(database.relaySql, keyring, facility),
      batchSize: 7,
    });

  beforeAll(async () => {
    kafka = createKafka({ brokers: requireEnv('KAFKA_BROKERS').split(','), clientId: 'reporting-test', logger, quiet: true });
    database = await openReportingDatabase(`careflow_reporting_${suffix}`);
    topics = await createTestTopics(kafka, `reporting-${suffix}`, 3);
    consumer = await startEpisodeEventConsumer({
      name: `reporting-${suffix}`,
      kafka,
      sql: database.reportingSql,
      logger,
      topics,
      apply: applyConsumedEvent,
      retryDelayMs: { first: 20, longest: 200 },
    });
  });

  afterAll(async () => {
    await consumer?.stop();
    await topics.remove();
    await database.close();
  });

  it('given whole episodes through Kafka, when consumed, then every read model holds what they say and routing counts the caseload', async () => {
    await append('episode-canary', canaryEpisode());
    await append('episode-active-a', decidedEpisode('mrn-active-a'));
    await append('episode-active-b', decidedEpisode('mrn-active-b'));
    // A department that tunes the ODI's MCID to 5 points (the API's departments table, migration 9).
    await database.ownerSql`
      CREATE TABLE IF NOT EXISTS departments (
        department_id text PRIMARY KEY,
        settings      jsonb NOT NULL,
        updated_at    timestamptz NOT NULL DEFAULT now())`;
    await database.ownerSql.unsafe(`GRANT SELECT ON departments TO ${roleOf(requireEnv('REPORTING_DATABASE_URL'))}`);
    const tuned = { ...defaultDepartmentSettings, mcid: { ODI: 5, NDI: 7 } };
    await database.ownerSql`
      INSERT INTO departments (department_id, settings)
      VALUES ('department-tuned', ${database.ownerSql.json(tuned as unknown as Parameters<typeof database.ownerSql.json>[0])})`;
    await append('episode-tuned', reportedEpisode(), 'department-tuned');
    await publishOutbox(database, kafka, topics.events);
    await caughtUp();

    const [canary] = await database.sql`SELECT * FROM episode_summaries WHERE episode_id = 'episode-canary'`;
    expect(canary).toMatchObject({
      status: 'finished',
      discharge_reason: 'other',
      therapist_id: 't-1',
      patient_key: keyring(facility, canaryPatient.mrn),
      visits_delivered: 9,
    });
    expect(await database.sql`SELECT status, visits_delivered FROM episode_summaries WHERE episode_id = 'episode-active-a'`).toEqual([
      { status: 'active', visits_delivered: 8 },
    ]);
    expect(
      await database.sql`
        SELECT measure, baseline::float, at_discharge::float, improvement::float, mcid_attained
        FROM episode_outcomes WHERE episode_id = 'episode-canary' ORDER BY measure`,
    ).toEqual([
      { measure: 'NPRS', baseline: 7, at_discharge: 2, improvement: 5, mcid_attained: true },
      { measure: 'ODI', baseline: 40, at_discharge: 18, improvement: 22, mcid_attained: true },
    ]);
    expect(
      await database.sql`
        SELECT visits_delivered, cancellations_by_patient, offers_made, discharge_reason, discharged_on::text
        FROM episode_operations WHERE episode_id = 'episode-canary'`,
    ).toEqual([
      { visits_delivered: 9, cancellations_by_patient: 1, offers_made: 1, discharge_reason: 'other', discharged_on: '2025-04-25' },
    ]);
    expect(await database.sql`SELECT count(*)::int AS notes FROM worklist_unsigned_notes WHERE episode_id = 'episode-active-a'`).toEqual([
      { notes: 8 },
    ]);
    expect(
      await database.sql`
        SELECT measure, improvement::float, mcid::float, mcid_attained FROM episode_outcomes
        WHERE episode_id = 'episode-tuned' ORDER BY measure`,
    ).toEqual([
      { measure: 'NPRS', improvement: 2, mcid: 2, mcid_attained: true },
      { measure: 'ODI', improvement: 8, mcid: 5, mcid_attained: true },
    ]);
    expect(
      await database.sql`
        SELECT therapist_id, department_id, active_episodes, discharged_episodes FROM therapist_caseloads ORDER BY department_id`,
    ).toEqual([
      { therapist_id: 't-1', department_id: 'department-1', active_episodes: 2, discharged_episodes: 1 },
      { therapist_id: 't-1', department_id: 'department-tuned', active_episodes: 1, discharged_episodes: 0 },
    ]);
    expect(
      await database.sql`
        SELECT department_id, episodes, episodes_discharged, visits_delivered, no_shows, no_show_rate::float, offers_made
        FROM department_operations WHERE department_id = 'department-1'`,
    ).toEqual([
      {
        department_id: 'department-1',
        episodes: 3,
        episodes_discharged: 1,
        visits_delivered: 25,
        no_shows: 0,
        no_show_rate: 0,
        offers_made: 3,
      },
    ]);
    expect(
      await database.sql`
        SELECT department_id, measure, episodes_discharged, episodes_discharged_attained FROM outcomes_by_department
        WHERE department_id = 'department-1' ORDER BY measure`,
    ).toEqual([
      { department_id: 'department-1', measure: 'NPRS', episodes_discharged: 1, episodes_discharged_attained: 1 },
      { department_id: 'department-1', measure: 'ODI', episodes_discharged: 1, episodes_discharged_attained: 1 },
    ]);

    const { therapistId: _id, departmentId: _department, activeEpisodeCount: _count, ...profile } = f.therapistProfile('t-1');
    await database.ownerSql`
      INSERT INTO therapists (therapist_id, department_id, profile)
      VALUES ('t-1', 'department-1', ${database.ownerSql.json(profile as Parameters<typeof database.ownerSql.json>[0])})`;
    const directory = createPostgresTherapistDirectory(database.workerSql, { reportInvalidProfile: () => undefined });
    const { therapists } = await directory.findRoutingCandidates('department-1', 'episode-new');
    expect(therapists.map((therapist) => [therapist.therapistId, therapist.activeEpisodeCount])).toEqual([['t-1', 3]]);
  });

  it('given the canary patient’s whole episode, when consumed, then no reporting table or view holds the name, MRN or any free text', async () => {
    const objects = [
      ...Object.keys(reportingTableKeys),
      ...(
        await database.ownerSql<{ name: string }[]>`
        SELECT table_name AS name FROM information_schema.views WHERE table_schema = 'public'`
      ).map((row) => row.name),
    ];
    expect(objects.length).toBeGreaterThan(15);
    for (const object of objects) {
      const [dump] = await database.ownerSql.unsafe<{ text: string | null }[]>(
        `SELECT string_agg(to_jsonb(t)::text, ' ') AS text FROM ${object} t`,
      );
      const text = dump?.text ?? '';
      for (const canary of canaries) expect({ object, leaked: text.includes(canary) ? canary : null }).toEqual({ object, leaked: null });
    }
    expect((await readModelRows(database.sql))['episode_summaries']).toHaveLength(4);
  });

  it('given live read models, when rebuilt from the event store, then every table is identical row by row', async () => {
    const live = await readModelRows(database.sql);
    const progress = await rebuild();
    expect(progress).toEqual({ read: [...appended.values()].reduce((a, b) => a + b, 0), folded: progress.read, unpublishable: 0 });
    expect(await readModelRows(database.sql)).toEqual(live);
  });

  it('given the consumer running, when a rebuild runs while more episodes arrive, then the read models end as a rebuild from scratch makes them', async () => {
    await append('episode-late-a', decidedEpisode('mrn-late-a'));
    await append('episode-late-b', decidedEpisode('mrn-late-b'));
    const publishing = publishOutbox(database, kafka, topics.events);
    const rebuilding = rebuild();
    await Promise.all([publishing, rebuilding]);
    await append('episode-later', decidedEpisode('mrn-later'));
    await publishOutbox(database, kafka, topics.events);
    await caughtUp();

    const afterBoth = await readModelRows(database.sql);
    await rebuild();
    const fromScratch = await readModelRows(database.sql);
    expect(isDeepStrictEqual(afterBoth, fromScratch) ? 'identical' : afterBoth).toBe('identical');
    expect(fromScratch['episode_summaries']).toHaveLength(7);
  });
});
