/**
 * The closed loop against the real PostgreSQL of the local stack and a real HTTP receiver on
 * loopback (plain http: the configuration allows it only to loopback outside production). Each test
 * decides an episode of its own through the domain, appends it to the store as the worker does, has
 * its notices consumed, and watches what reaches the receiver.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Sql } from 'postgres';
import type { Communication, Patient, Task } from 'fhir/r4';
import { createLogger } from '@careflow/config';
import { toIntegrationEvent, type PublishedIntegrationEvent } from '@careflow/contracts';
import type { CareEpisodeCommand, CareEpisodeEvent } from '@careflow/domain';
import * as f from '@careflow/domain/testing';
import {
  applicationRoleOf,
  closeDatabaseClient,
  createDatabaseClient,
  createEventStore,
  migrate,
  type JsonObject,
} from '@careflow/event-store';
import { pollUntil } from '@careflow/event-store/testing';
import { httpReferrerNoticeDelivery } from './delivery';
import { startNoticeDispatcher, type NoticeDispatcher } from './dispatcher';
import { recordNotice, redeliverDeadLettered } from './notices';
import { startReceiver, type Receiver } from './testing/receiver';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: eval "$(infra/local/stack env)"`);
  return value;
};

const consumerName = 'notices';
const maxAttempts = 3;
let app: Sql;
let notices: Sql;
let receiver: Receiver;
let dispatcher: NoticeDispatcher;
const logLines: string[] = [];

beforeAll(async () => {
  const owner = createDatabaseClient(env('MIGRATION_DATABASE_URL'), { applicationName: 'notices-test-migrate', maxConnections: 1 });
  try {
    await migrate(owner, {
      applicationRole: applicationRoleOf(env('DATABASE_URL')),
      appRoles: { notices: applicationRoleOf(env('NOTICES_DATABASE_URL')) },
    });
  } finally {
    await closeDatabaseClient(owner);
  }
  app = createDatabaseClient(env('DATABASE_URL'), { applicationName: 'notices-test', maxConnections: 4 });
  // The app's own role: what it may read and write is what the migrations granted it.
  notices = createDatabaseClient(env('NOTICES_DATABASE_URL'), { applicationName: 'notices-test-app', maxConnections: 4 });
  receiver = await startReceiver();
  const logger = createLogger(
    'notices',
    'debug',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  );
  dispatcher = startNoticeDispatcher({
    sql: notices,
    delivery: httpReferrerNoticeDelivery({ url: receiver.url, timeoutMs: 2_000 }),
    logger,
    sender: { facilityId: 'test-facility' },
    retry: { maxAttempts, baseMs: 50, maxMs: 200 },
    pollIntervalMs: 50,
    batchSize: 20,
    leaseMs: 5_000,
  });
});

afterAll(async () => {
  await dispatcher.stop();
  await receiver.stop();
  await Promise.all([closeDatabaseClient(app), closeDatabaseClient(notices)]);
});

/** A patient and referral no other test (or run) has: their name and MRN are this test's canaries. */
const newEpisode = () => {
  const suffix = randomUUID().slice(0, 8);
  const episodeId = `notices-${randomUUID()}`;
  const referral = f.referral({
    referralId: `referral-${suffix}`,
    patient: { ...f.referral().patient, name: `Canary Noticeperson ${suffix}`, mrn: `MRN-NC-${suffix}` },
  });
  return { episodeId, referral };
};

type Episode = ReturnType<typeof newEpisode>;

/** Decides the commands through the domain and appends the events as the worker does; returns them with their event ids. */
const append = async (episode: Episode, commands: readonly CareEpisodeCommand[]) => {
  const events = f.replay([f.receiveReferral({ episodeId: episode.episodeId, referral: episode.referral }), ...commands])
    .events as CareEpisodeEvent[];
  const stored = events.map((event) => ({ event, eventId: randomUUID() }));
  const store = createEventStore({ sql: app, outboxTopic: 'careflow.test-notices', eventSource: 'careflow/test' });
  await store.appendToStream(
    episode.episodeId,
    0,
    stored.map(({ event, eventId }) => ({
      eventId,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: JSON.parse(JSON.stringify(event)) as JsonObject,
      metadata: { actor: event.actor.userId, correlationId: randomUUID(), occurredAt: event.occurredAt },
    })),
  );
  return stored;
};

/** The integration events of the notices, as a consumer reads them off the topic. */
const integrationNotices = (episode: Episode, stored: Awaited<ReturnType<typeof append>>) =>
  stored
    .filter(({ event }) => event.type === 'ReferringProviderNoticeIssued')
    .map(({ event, eventId }) => ({
      eventId,
      ...(toIntegrationEvent(event, { episodeId: episode.episodeId, patientKey: 'a'.repeat(64) }) as PublishedIntegrationEvent),
    }));

/** What the consumer framework does with each event: the notice and the processed-event record in one transaction, skipped when already processed. */
const consume = async (events: ReadonlyArray<PublishedIntegrationEvent & { eventId: string }>): Promise<void> => {
  for (const event of events) {
    await notices.begin(async (tx) => {
      const [fresh] = await tx`
        INSERT INTO processed_events (consumer, event_id) VALUES (${consumerName}, ${event.eventId})
        ON CONFLICT DO NOTHING RETURNING event_id`;
      if (fresh) await recordNotice(tx, event);
    });
  }
  dispatcher.wake();
};

const deliveryOf = (noticeId: string) =>
  notices<{ state: string; attempts: number; last_error: string | null; last_status_code: number | null }[]>`
    SELECT state, attempts, last_error, last_status_code FROM referrer_notices WHERE notice_id = ${noticeId}`.then((rows) => rows[0]);

/** Waits until the receiver answered a POST of the notice with 2xx and the delivery log says delivered. */
const delivered = async (receiver: Receiver, noticeId: string): Promise<void> => {
  await pollUntil(
    async () => receiver.requestsFor(noticeId).filter((request) => request.status < 300).length,
    (count) => count > 0,
    { what: `notice ${noticeId} received` },
  );
  await pollUntil(
    () => deliveryOf(noticeId),
    (row) => row?.state === 'delivered',
    { what: `notice ${noticeId} logged as delivered` },
  );
};

const contained = <R extends Patient | Task>(communication: Communication, type: R['resourceType']): R => {
  const found = communication.contained?.find((resource) => resource.resourceType === type);
  if (!found) throw new Error(`no contained ${type}`);
  return found as R;
};

const onlyNotice = (events: ReturnType<typeof integrationNotices>, notice: string) => {
  const found = events.filter((event) => event.type === 'ReferringProviderNoticeIssued' && event.data.notice === notice);
  if (found.length !== 1 || !found[0]) throw new Error(`expected one ${notice} notice, found ${found.length}`);
  return found[0];
};

const accepted = [f.routeReferral(), f.acceptOffer()];
const untilProgressReport = [
  ...accepted,
  f.recordIntake(),
  f.recordAssessment(),
  f.establishPlan(),
  f.certify(),
  ...f.dailySessions(8, '2025-03-07'),
  ...Array.from({ length: 8 }, (_, index) => f.signNote(`s-${index + 1}`, f.at('2025-03-17', '20:00'))),
  {
    ...f.progressReport('r-1', '2025-03-20'),
    narrative: 'Pain eases after each session; sleeps through the night.',
    planChange: 'Add one session a week.',
  },
];

describe('the referrer’s closed loop, delivered to a real HTTP receiver', () => {
  it('an accepted referral: one Communication with the Task accepted, the patient to match and the referral', async () => {
    const episode = newEpisode();
    const events = integrationNotices(episode, await append(episode, accepted));
    const notice = onlyNotice(events, 'referral-accepted');
    await consume(events);
    await delivered(receiver, notice.eventId);

    const [request] = receiver.requestsFor(notice.eventId);
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/fhir+json');
    expect(request?.headers['idempotency-key']).toBe(notice.eventId);
    const communication = request?.communication as Communication;
    expect(communication.resourceType).toBe('Communication');
    expect(communication.identifier).toEqual([{ system: 'urn:careflow:referrer-notice', value: notice.eventId }]);
    expect(communication.basedOn?.[0]?.identifier?.value).toBe(episode.referral.referralId);
    expect(communication.recipient?.[0]?.identifier).toEqual({
      system: 'http://hl7.org/fhir/sid/us-npi',
      value: episode.referral.referringProvider.npi,
    });
    expect(contained<Task>(communication, 'Task').status).toBe('accepted');
    const patient = contained<Patient>(communication, 'Patient');
    expect(patient.identifier?.[0]?.value).toBe(episode.referral.patient.mrn);
    expect(patient.name?.[0]?.text).toBe(episode.referral.patient.name);
    expect(patient.birthDate).toBe(episode.referral.patient.birthDate);
    expect(await deliveryOf(notice.eventId)).toEqual({ state: 'delivered', attempts: 1, last_error: null, last_status_code: 200 });
  });

  it('a declined referral: the Task rejected, with the reason given', async () => {
    const episode = newEpisode();
    const decline: CareEpisodeCommand = {
      type: 'DeclineReferral',
      at: f.at('2025-03-03', '11:00'),
      actor: f.lead,
      reason: 'Outside the department’s scope.',
    };
    const events = integrationNotices(episode, await append(episode, [decline]));
    const notice = onlyNotice(events, 'referral-declined');
    await consume(events);
    await delivered(receiver, notice.eventId);
    const communication = receiver.requestsFor(notice.eventId)[0]?.communication as Communication;
    expect(contained<Task>(communication, 'Task').status).toBe('rejected');
    expect(communication.payload?.map((part) => part.contentString)).toContain('Reason: Outside the department’s scope.');
  });

  it('a progress report: the Task in progress, the payload what the domain recorded', async () => {
    const episode = newEpisode();
    const stored = await append(episode, untilProgressReport);
    const events = integrationNotices(episode, stored);
    const notice = onlyNotice(events, 'progress-report');
    await consume(events);
    await delivered(receiver, notice.eventId);
    const communication = receiver.requestsFor(notice.eventId)[0]?.communication as Communication;
    expect(contained<Task>(communication, 'Task').status).toBe('in-progress');
    const recorded = stored.find(({ event }) => event.type === 'ProgressReportRecorded')?.event;
    if (recorded?.type !== 'ProgressReportRecorded') throw new Error('no progress report recorded');
    const texts = communication.payload?.map((part) => part.contentString) ?? [];
    expect(texts).toEqual(
      expect.arrayContaining([
        `Progress report of ${recorded.reportedOn}.`,
        recorded.narrative,
        `Plan change: ${recorded.planChange ?? ''}`,
        ...recorded.measures.map((m) => `Measure ${m.measure}: ${m.value}`),
        ...recorded.goals.map((g) => `Goal ${g.goalId} (${g.measure}): ${g.value}, ${g.status}`),
      ]),
    );
  });

  it('a discharge: the Task completed, with the discharge summary', async () => {
    const episode = newEpisode();
    const narrative = 'Goals met; home programme of self-massage and stretching.';
    const stored = await append(episode, [...untilProgressReport, f.discharge('2025-04-25', { narrative })]);
    const events = integrationNotices(episode, stored);
    const notice = onlyNotice(events, 'discharge-summary');
    await consume(events);
    await delivered(receiver, notice.eventId);
    const communication = receiver.requestsFor(notice.eventId)[0]?.communication as Communication;
    expect(contained<Task>(communication, 'Task').status).toBe('completed');
    const discharged = stored.find(({ event }) => event.type === 'EpisodeDischarged')?.event;
    if (discharged?.type !== 'EpisodeDischarged') throw new Error('no discharge recorded');
    const texts = communication.payload?.map((part) => part.contentString) ?? [];
    expect(texts).toContain(narrative);
    expect(texts).toContain(`Discharged on 2025-04-25; reason: ${discharged.reason}.`);
    expect(texts).toContain(
      `Sessions delivered: ${discharged.summary.sessionsDelivered}; no-shows: ${discharged.summary.noShows}; cancellations: ${discharged.summary.cancellations}.`,
    );
  });

  it('a receiver answering 500 then 200: delivered once, after one retry with the same idempotency key', async () => {
    const episode = newEpisode();
    const events = integrationNotices(episode, await append(episode, accepted));
    const notice = onlyNotice(events, 'referral-accepted');
    receiver.script(notice.eventId, [500, 200]);
    await consume(events);
    await delivered(receiver, notice.eventId);
    const requests = receiver.requestsFor(notice.eventId);
    expect(requests.map((request) => request.status)).toEqual([500, 200]);
    expect(new Set(requests.map((request) => request.headers['idempotency-key']))).toEqual(new Set([notice.eventId]));
    expect(await deliveryOf(notice.eventId)).toEqual({ state: 'delivered', attempts: 2, last_error: null, last_status_code: 200 });
  });

  it('a receiver refusing for good (400): dead-lettered without retries', async () => {
    const episode = newEpisode();
    const events = integrationNotices(episode, await append(episode, accepted));
    const notice = onlyNotice(events, 'referral-accepted');
    receiver.script(notice.eventId, [400]);
    await consume(events);
    await pollUntil(
      () => deliveryOf(notice.eventId),
      (row) => row?.state === 'dead-lettered',
      { what: 'the refused notice dead-lettered' },
    );
    expect(receiver.requestsFor(notice.eventId)).toHaveLength(1);
    expect(await deliveryOf(notice.eventId)).toEqual({
      state: 'dead-lettered',
      attempts: 1,
      last_error: 'HttpStatus',
      last_status_code: 400,
    });
  });

  it('a receiver down past the retries: a dead-letter record, then delivered once re-delivered after it is back', async () => {
    const episode = newEpisode();
    const events = integrationNotices(episode, await append(episode, accepted));
    const notice = onlyNotice(events, 'referral-accepted');
    await receiver.stop();
    try {
      await consume(events);
      await pollUntil(
        () => deliveryOf(notice.eventId),
        (row) => row?.state === 'dead-lettered',
        { what: 'the notice dead-lettered' },
      );
    } finally {
      await receiver.start();
    }
    const row = await deliveryOf(notice.eventId);
    expect(row).toMatchObject({ state: 'dead-lettered', attempts: maxAttempts, last_error: 'ECONNREFUSED', last_status_code: null });
    const deadLetters = await notices<{ attempts: number; last_error: string; redelivery_requested_at: Date | null }[]>`
      SELECT attempts, last_error, redelivery_requested_at FROM referrer_notice_dead_letters WHERE notice_id = ${notice.eventId}`;
    expect(deadLetters).toEqual([{ attempts: maxAttempts, last_error: 'ECONNREFUSED', redelivery_requested_at: null }]);
    expect(receiver.requestsFor(notice.eventId)).toHaveLength(0);

    expect(await redeliverDeadLettered(notices, [notice.eventId])).toEqual([notice.eventId]);
    dispatcher.wake();
    await delivered(receiver, notice.eventId);
    expect(receiver.requestsFor(notice.eventId)).toHaveLength(1);
    expect(await deliveryOf(notice.eventId)).toMatchObject({ state: 'delivered', attempts: 1 });
    const [marked] = await notices<{ redelivery_requested_at: Date | null }[]>`
      SELECT redelivery_requested_at FROM referrer_notice_dead_letters WHERE notice_id = ${notice.eventId}`;
    expect(marked?.redelivery_requested_at).toBeInstanceOf(Date);
  });

  it('redelivered events: still exactly one POST per notice', async () => {
    const episode = newEpisode();
    const events = integrationNotices(episode, await append(episode, [...untilProgressReport, f.discharge('2025-04-25')]));
    expect(events.map((event) => event.type === 'ReferringProviderNoticeIssued' && event.data.notice)).toEqual([
      'referral-accepted',
      'progress-report',
      'discharge-summary',
    ]);
    await consume(events);
    await consume(events);
    await consume([...events].reverse());
    for (const event of events) await delivered(receiver, event.eventId);
    // Long enough for a duplicate to have been sent, had there been one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const event of events) expect(receiver.requestsFor(event.eventId)).toHaveLength(1);
  });

  it('PHI canary: the patient’s name and MRN reach the receiver, never the logs nor the notices’ tables', async () => {
    const episode = newEpisode();
    const events = integrationNotices(episode, await append(episode, [...untilProgressReport, f.discharge('2025-04-25')]));
    const failing = events[1];
    if (!failing) throw new Error('no second notice');
    receiver.script(failing.eventId, [503, 200]);
    await consume(events);
    for (const event of events) await delivered(receiver, event.eventId);
    const canaries = [episode.referral.patient.name, episode.referral.patient.mrn];
    const bodies = events.flatMap((event) => receiver.requestsFor(event.eventId).map((request) => request.body)).join('\n');
    for (const canary of canaries) expect(bodies).toContain(canary);

    const logs = logLines.join('');
    expect(logs).toContain(failing.eventId);
    for (const canary of canaries) expect(logs).not.toContain(canary);
    const tables = await notices<{ row: string }[]>`
      SELECT n::text AS row FROM referrer_notices n WHERE episode_id = ${episode.episodeId}
      UNION ALL
      SELECT d::text FROM referrer_notice_dead_letters d JOIN referrer_notices n USING (notice_id) WHERE n.episode_id = ${episode.episodeId}`;
    expect(tables).toHaveLength(events.length);
    for (const canary of canaries) expect(tables.map((t) => t.row).join('\n')).not.toContain(canary);
    for (const event of events) for (const canary of canaries) expect(JSON.stringify(event)).not.toContain(canary);
  });

  it('the notices role reads a notice’s content through its function, never the events', async () => {
    const outcome = await notices`SELECT count(*) FROM events`.then(
      () => 'ok',
      (error: { code?: string }) => error.code,
    );
    expect(outcome).toBe('42501');
    const episode = newEpisode();
    const stored = await append(episode, accepted);
    // Any other event's id opens nothing.
    const other = stored.find(({ event }) => event.type === 'ReferralReceived');
    expect(await notices`SELECT * FROM referrer_notice_content(${other?.eventId ?? ''}::uuid)`).toHaveLength(0);
  });
});
