/**
 * The closed loop against the real PostgreSQL and Kafka of the local stack and a real HTTP receiver
 * on loopback (plain http: the configuration allows it only to loopback outside production). Each
 * test decides an episode of its own through the domain, appends it to the store as the worker does,
 * publishes its events as the relay does (to this file's own topic), and watches what the consumer
 * and the delivery loop, both under the notices role, make reach the receiver.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { Sql } from 'postgres';
import type { Communication, Patient, Task } from 'fhir/r4';
import { createLogger } from '@careflow/config';
import { episodeEventMessage, toIntegrationEvent, type PublishedIntegrationEvent } from '@careflow/contracts';
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
import { createKafka, startEpisodeEventConsumer, type EpisodeEventConsumer } from '@careflow/messaging';
import { generate } from 'selfsigned';
import { noticeIdentifierSystem } from './communication';
import { httpReferrerNoticeDelivery } from './delivery';
import { startNoticeDispatcher, type NoticeDispatcher } from './dispatcher';
import { recordNotice } from './notices';
import { startReceiver, type Receiver } from './testing/receiver';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: eval "$(infra/local/stack env)"`);
  return value;
};

const run = randomUUID().slice(0, 8);
const topics = { events: `test.notices.${run}`, deadLetter: `test.notices.${run}.dlq` };
const maxAttempts = 3;
let app: Sql;
let notices: Sql;
let kafka: Kafka;
let producer: Producer;
let consumer: EpisodeEventConsumer;
let receiver: Receiver;
let dispatcher: NoticeDispatcher;
const logLines: string[] = [];
/** Notices the check (the hook a FHIR validator will use) refuses. */
const refusedByCheck = new Set<string>();
/** Every message this file put on Kafka. */
const published: Message[] = [];

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
  kafka = createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: `notices-test-${run}`, logger, quiet: true });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: topics.events, numPartitions: 3, replicationFactor: 1 },
      { topic: topics.deadLetter, numPartitions: 1, replicationFactor: 1 },
    ],
  });
  await admin.disconnect();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  consumer = await startEpisodeEventConsumer({
    name: `notices-test-${run}`,
    kafka,
    sql: notices,
    logger,
    apply: recordNotice,
    topics,
    onFatal: (error) => {
      throw error;
    },
  });
  dispatcher = startNoticeDispatcher({
    sql: notices,
    delivery: httpReferrerNoticeDelivery({ url: receiver.url, timeoutMs: 2_000 }),
    logger,
    sender: { facilityId: 'test-facility' },
    retry: { maxAttempts, baseMs: 50, maxMs: 200 },
    pollIntervalMs: 50,
    batchSize: 20,
    leaseMs: 5_000,
    check: (communication) =>
      communication.identifier?.some((identifier) => refusedByCheck.has(identifier.value ?? ''))
        ? ['Communication: refused by the test']
        : [],
  });
});

afterAll(async () => {
  await consumer.stop();
  await dispatcher.stop();
  await producer.disconnect();
  await receiver.stop();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topics.events, topics.deadLetter] }).catch(() => undefined);
  await admin.disconnect();
  await Promise.all([closeDatabaseClient(app), closeDatabaseClient(notices)]);
});

/** A patient and referral no other test (or run) has: their name and MRN are this test's canaries. */
const newEpisode = () => {
  const suffix = randomUUID().slice(0, 8);
  const episodeId = `notices-${randomUUID()}`;
  const departmentId = `department-${suffix}`;
  const referral = f.referral({
    referralId: `referral-${suffix}`,
    patient: { ...f.referral().patient, name: `Canary Noticeperson ${suffix}`, mrn: `MRN-NC-${suffix}` },
  });
  return { episodeId, departmentId, referral };
};

type Episode = ReturnType<typeof newEpisode>;

/** Decides the commands through the domain and appends the events as the worker does; returns them with their event ids. */
const append = async (episode: Episode, commands: readonly CareEpisodeCommand[]) => {
  const events = f.replay([f.receiveReferral({ episodeId: episode.episodeId, referral: episode.referral }), ...commands])
    .events as CareEpisodeEvent[];
  const stored = events.map((event) => ({ event, eventId: randomUUID() }));
  const store = createEventStore({ sql: app, outboxTopic: topics.events, eventSource: 'careflow/test' });
  const { globalPositions } = await store.appendToStream(
    episode.episodeId,
    0,
    stored.map(({ event, eventId }) => ({
      eventId,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: JSON.parse(JSON.stringify(event)) as JsonObject,
      metadata: {
        actor: event.actor.userId,
        correlationId: randomUUID(),
        occurredAt: event.occurredAt,
        departmentId: episode.departmentId,
      },
    })),
  );
  // The test publishes its events itself (publish below): its outbox rows, for a topic it deletes
  // afterwards, must not wait in the shared outbox for a relay that cannot send them anywhere.
  await app`DELETE FROM outbox WHERE global_position IN ${app(globalPositions)}`;
  return stored.map((entry, index) => ({ ...entry, streamVersion: index + 1, globalPosition: globalPositions[index] ?? 0 }));
};

/** The integration events of the notices, as a consumer reads them off the topic. */
const integrationNotices = (episode: Episode, stored: Awaited<ReturnType<typeof append>>) =>
  stored
    .filter(({ event }) => event.type === 'ReferringProviderNoticeIssued')
    .map(({ event, eventId }) => ({
      eventId,
      ...(toIntegrationEvent(event, {
        episodeId: episode.episodeId,
        patientKey: 'a'.repeat(64),
        departmentId: episode.departmentId,
      }) as PublishedIntegrationEvent),
    }));

/** Publishes the episode's events as the relay does (same message function), in stream order. */
const publish = async (episode: Episode, stored: Awaited<ReturnType<typeof append>>): Promise<void> => {
  const messages = stored.map(({ event, eventId, streamVersion, globalPosition }) =>
    episodeEventMessage(
      {
        key: episode.episodeId,
        source: 'careflow/test',
        event: {
          eventId,
          streamId: episode.episodeId,
          streamVersion,
          globalPosition,
          type: event.type,
          metadata: { occurredAt: event.occurredAt },
        },
      },
      toIntegrationEvent(event, { episodeId: episode.episodeId, patientKey: 'a'.repeat(64), departmentId: episode.departmentId }),
    ),
  );
  published.push(...messages);
  await producer.send({ topic: topics.events, acks: -1, messages });
};

const deliveryOf = (noticeId: string) =>
  notices<{ state: string; attempts: number; last_error: string | null; last_status_code: number | null }[]>`
    SELECT state, attempts, last_error, last_status_code FROM referrer_notices WHERE notice_id = ${noticeId}`.then((rows) => rows[0]);

/** Waits until the receiver answered a POST of the notice with 2xx and the delivery log says delivered. */
const delivered = async (receiver: Receiver, noticeId: string): Promise<void> => {
  await pollUntil(
    async () => receiver.requestsFor(noticeId).filter((request) => typeof request.status === 'number' && request.status < 300).length,
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
    const stored = await append(episode, accepted);
    const events = integrationNotices(episode, stored);
    const notice = onlyNotice(events, 'referral-accepted');
    await publish(episode, stored);
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
    const [recorded] = await notices<{ department_id: string; referral_id: string; notice: string }[]>`
      SELECT department_id, referral_id, notice FROM referrer_notices WHERE notice_id = ${notice.eventId}`;
    expect(recorded).toEqual({
      department_id: episode.departmentId,
      referral_id: episode.referral.referralId,
      notice: 'referral-accepted',
    });
  });

  it('a declined referral: the Task rejected, with the reason given', async () => {
    const episode = newEpisode();
    const decline: CareEpisodeCommand = {
      type: 'DeclineReferral',
      at: f.at('2025-03-03', '11:00'),
      actor: f.lead,
      reason: 'Outside the department’s scope.',
    };
    const stored = await append(episode, [decline]);
    const events = integrationNotices(episode, stored);
    const notice = onlyNotice(events, 'referral-declined');
    await publish(episode, stored);
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
    await publish(episode, stored);
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
    await publish(episode, stored);
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
    const stored = await append(episode, accepted);
    const events = integrationNotices(episode, stored);
    const notice = onlyNotice(events, 'referral-accepted');
    receiver.script(notice.eventId, [500, 200]);
    await publish(episode, stored);
    await delivered(receiver, notice.eventId);
    const requests = receiver.requestsFor(notice.eventId);
    expect(requests.map((request) => request.status)).toEqual([500, 200]);
    expect(new Set(requests.map((request) => request.headers['idempotency-key']))).toEqual(new Set([notice.eventId]));
    expect(await deliveryOf(notice.eventId)).toEqual({ state: 'delivered', attempts: 2, last_error: null, last_status_code: 200 });
  });

  it('an episode’s notices arrive in the order they were issued, even when an earlier one is retried', async () => {
    const episode = newEpisode();
    const stored = await append(episode, [...untilProgressReport, f.discharge('2025-04-25')]);
    const events = integrationNotices(episode, stored);
    const [first] = events;
    if (!first) throw new Error('no notice');
    receiver.script(first.eventId, [503, 503, 200]);
    await publish(episode, stored);
    for (const event of events) await delivered(receiver, event.eventId);
    const ids = new Set<string>(events.map((event) => event.eventId));
    const arrivals = receiver.requests
      .map((request) => ({ id: request.communication.identifier?.[0]?.value ?? '', status: request.status }))
      .filter((arrival) => ids.has(arrival.id));
    expect(arrivals).toEqual([
      { id: first.eventId, status: 503 },
      { id: first.eventId, status: 503 },
      ...events.map((event) => ({ id: event.eventId, status: 200 })),
    ]);
  });

  it('a receiver refusing for good (400): dead-lettered without retries', async () => {
    const episode = newEpisode();
    const stored = await append(episode, accepted);
    const events = integrationNotices(episode, stored);
    const notice = onlyNotice(events, 'referral-accepted');
    receiver.script(notice.eventId, [400]);
    await publish(episode, stored);
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

  it('a Communication the check refuses: dead-lettered, never sent', async () => {
    const episode = newEpisode();
    const stored = await append(episode, accepted);
    const events = integrationNotices(episode, stored);
    const notice = onlyNotice(events, 'referral-accepted');
    refusedByCheck.add(notice.eventId);
    await publish(episode, stored);
    await pollUntil(
      () => deliveryOf(notice.eventId),
      (row) => row?.state === 'dead-lettered',
      { what: 'the refused notice dead-lettered' },
    );
    expect(await deliveryOf(notice.eventId)).toEqual({
      state: 'dead-lettered',
      attempts: 1,
      last_error: 'InvalidCommunication',
      last_status_code: null,
    });
    expect(receiver.requestsFor(notice.eventId)).toHaveLength(0);
  });

  it('a receiver down past the retries: a dead-letter record, then delivered once the redeliver command ran after it is back', async () => {
    const episode = newEpisode();
    const stored = await append(episode, accepted);
    const events = integrationNotices(episode, stored);
    const notice = onlyNotice(events, 'referral-accepted');
    await receiver.stop();
    try {
      await publish(episode, stored);
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

    // The command as an operator runs it, with the app's own database URL and nothing else.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, 'main.ts'), 'redeliver', notice.eventId],
      {
        env: {
          PATH: process.env['PATH'],
          NOTICES_DATABASE_URL: env('NOTICES_DATABASE_URL'),
          TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json'),
        },
      },
    );
    expect(stdout).toBe('careflow notices: 1 dead-lettered notice(s) requeued for delivery\n');
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
    const stored = await append(episode, [...untilProgressReport, f.discharge('2025-04-25')]);
    const events = integrationNotices(episode, stored);
    expect(events.map((event) => event.type === 'ReferringProviderNoticeIssued' && event.data.notice)).toEqual([
      'referral-accepted',
      'progress-report',
      'discharge-summary',
    ]);
    const duplicatesBefore = consumer.status().duplicates;
    // The relay may publish an event again (a crash between the broker's ack and the outbox delete).
    await publish(episode, stored);
    await publish(episode, stored);
    await publish(episode, stored);
    for (const event of events) await delivered(receiver, event.eventId);
    await pollUntil(
      async () => consumer.status().duplicates - duplicatesBefore,
      (count) => count >= 2 * stored.length,
      { what: 'every event published again seen as a duplicate' },
    );
    // A poll's time for a second POST to have gone out, had any notice been recorded twice.
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const event of events) expect(receiver.requestsFor(event.eventId)).toHaveLength(1);
  });

  it('PHI canary: the patient’s name and MRN reach the receiver, never Kafka, the logs nor the notices’ tables', async () => {
    const episode = newEpisode();
    const stored = await append(episode, [...untilProgressReport, f.discharge('2025-04-25')]);
    const events = integrationNotices(episode, stored);
    const failing = events[1];
    if (!failing) throw new Error('no second notice');
    receiver.script(failing.eventId, [503, 200]);
    await publish(episode, stored);
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
    const onKafka = published.map((message) => JSON.stringify([message.key, message.value?.toString(), message.headers])).join('\n');
    expect(onKafka).toContain(episode.episodeId);
    for (const canary of canaries) expect(onKafka).not.toContain(canary);
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

describe('the HTTP adapter alone', () => {
  const communicationFor = (noticeId: string): Communication => ({
    resourceType: 'Communication',
    status: 'completed',
    identifier: [{ system: noticeIdentifierSystem, value: noticeId }],
  });

  it('over TLS: delivers to an endpoint whose certificate it was told to trust, and sends nothing to one it does not trust', async () => {
    // A self-signed certificate for the loopback address, made for this test.
    const { private: key, cert } = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      curve: 'P-256',
      notAfterDate: new Date(Date.now() + 86_400_000),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    const tlsReceiver = await startReceiver({ key, cert });
    try {
      expect(tlsReceiver.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
      const [trustedId, untrustedId] = [randomUUID(), randomUUID()];
      const trusted = httpReferrerNoticeDelivery({ url: tlsReceiver.url, timeoutMs: 2_000, ca: cert });
      expect(await trusted.deliver(communicationFor(trustedId), trustedId)).toEqual({ outcome: 'delivered', statusCode: 200 });
      expect(tlsReceiver.requestsFor(trustedId)[0]?.headers['idempotency-key']).toBe(trustedId);
      const untrusted = httpReferrerNoticeDelivery({ url: tlsReceiver.url, timeoutMs: 2_000 });
      expect(await untrusted.deliver(communicationFor(untrustedId), untrustedId)).toEqual({
        outcome: 'failed',
        retryable: true,
        error: expect.stringMatching(/CERT/),
      });
      expect(tlsReceiver.requestsFor(untrustedId)).toHaveLength(0);
    } finally {
      await tlsReceiver.stop();
    }
  });

  it('a receiver that does not answer within the timeout: a retryable TimeoutError', async () => {
    const noticeId = randomUUID();
    receiver.script(noticeId, ['hang']);
    const delivery = httpReferrerNoticeDelivery({ url: receiver.url, timeoutMs: 300 });
    const started = Date.now();
    expect(await delivery.deliver(communicationFor(noticeId), noticeId)).toEqual({
      outcome: 'failed',
      retryable: true,
      error: 'TimeoutError',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(receiver.requestsFor(noticeId)).toHaveLength(1);
  });

  it('a redirect is not followed: the notice goes only where configured', async () => {
    const noticeId = randomUUID();
    receiver.script(noticeId, [307]);
    const delivery = httpReferrerNoticeDelivery({ url: receiver.url, timeoutMs: 2_000 });
    expect(await delivery.deliver(communicationFor(noticeId), noticeId)).toEqual({
      outcome: 'failed',
      retryable: false,
      error: 'HttpStatus',
      statusCode: 307,
    });
    expect(receiver.requestsFor(noticeId)).toHaveLength(1);
  });
});
