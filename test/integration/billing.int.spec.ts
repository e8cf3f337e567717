import { randomBytes, randomUUID } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import type { Kafka, KafkaMessage, Message } from 'kafkajs';
import { createLogger } from '@careflow/config';
import { billingChargesTopic, episodeEventsTopic } from '@careflow/contracts';
import { medicareLikePayerSettings, type CareEpisodeCommand, type PayerSettings } from '@careflow/domain';
import * as f from '@careflow/domain/testing';
import { replay } from '@careflow/domain/testing';
import { createDatabaseClient, createEventStore, type JsonObject } from '@careflow/event-store';
import { pollUntil } from '@careflow/event-store/testing';
import { createKafka, startEpisodeEventConsumer, type EpisodeEventConsumer } from '@careflow/messaging';
import { requireEnv, uniqueSuffix } from '../support/env';
import { createTestTopics, type TestTopics } from '../support/consumer-rig';
import {
  certifiedEpisode,
  chargesOf,
  claimsOf,
  configureBilling,
  episodeMessages,
  newTestEpisode,
  session,
  yearToDateOf,
  type TestEpisode,
} from '../support/billing-rig';
import { billingConsumption } from '@careflow/billing/src/apply';
import { renderClaimDocument } from '@careflow/billing/src/claim-document';
import { startBillingPublisher, type BillingPublisher } from '@careflow/billing/src/publisher';

const logger = createLogger('billing-test', 'silent');

/** Sessions of 30 minutes of 97140 (2 units) on each day, signed the same evening. */
const signedSessions = (episode: TestEpisode, dates: readonly string[], first = 1): CareEpisodeCommand[] =>
  dates.flatMap((date, index) => [session(episode, `s-${first + index}`, date), f.signNote(`s-${first + index}`, f.at(date, '20:00'))]);

describe('billing: the consumer on the real broker and database, as its own role', () => {
  let kafka: Kafka;
  let superuser: Sql;
  let billing: Sql;
  let topics: TestTopics;
  let chargesTopic: string;
  let consumer: EpisodeEventConsumer;
  let publisher: BillingPublisher;
  const published: KafkaMessage[] = [];
  let stopReading: () => Promise<void>;

  beforeAll(async () => {
    kafka = createKafka({ brokers: requireEnv('KAFKA_BROKERS').split(','), clientId: 'billing-test', logger, quiet: true });
    superuser = postgres(requireEnv('SUPERUSER_DATABASE_URL'), { max: 2, onnotice: () => undefined });
    // The client the app uses (createDatabaseClient: prepared statements, no fetched types).
    billing = createDatabaseClient(requireEnv('BILLING_DATABASE_URL'), { applicationName: 'billing-test', maxConnections: 6 });
    const suffix = uniqueSuffix();
    topics = await createTestTopics(kafka, suffix, 3);
    chargesTopic = `test.billing-charges.${suffix}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: chargesTopic, numPartitions: billingChargesTopic.partitions, replicationFactor: 1 }],
    });
    await admin.disconnect();
    const reader = kafka.consumer({ groupId: `test-billing-reader-${suffix}` });
    await reader.connect();
    await reader.subscribe({ topics: [chargesTopic], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        published.push(message);
      },
    });
    stopReading = () => reader.disconnect();
    consumer = await startEpisodeEventConsumer({
      name: `billing-test-${suffix}`,
      kafka,
      sql: billing,
      logger,
      ...billingConsumption,
      maxAttempts: 2,
      retryDelayMs: { first: 20, longest: 100 },
      topics: { events: topics.events, deadLetter: topics.deadLetter },
    });
    publisher = await startBillingPublisher({ sql: billing, kafka, logger, topic: chargesTopic, pollIntervalMs: 20 });
  });

  afterAll(async () => {
    await consumer.stop();
    await publisher.stop();
    await stopReading();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [chargesTopic] }).catch(() => undefined);
    await admin.disconnect();
    await topics.remove();
    await billing.end({ timeout: 5 });
    await superuser.end({ timeout: 5 });
  });

  const send = async (messages: readonly Message[]): Promise<void> => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: topics.events, acks: -1, messages: [...messages] });
    await producer.disconnect();
  };

  const messagesOf = (episodeId: string): { type: string; id: string; data: Record<string, unknown> }[] =>
    published
      .filter((message) => message.key?.toString() === episodeId)
      .map((message) => ({
        type: message.headers?.['ce_type']?.toString() ?? '',
        id: message.headers?.['ce_id']?.toString() ?? '',
        data: JSON.parse(message.value?.toString() ?? '{}') as Record<string, unknown>,
      }));

  it('given a whole episode (evaluation, sessions with a continuation, signed notes, discharge), then one charge set per day, the year to date and an original claim', async () => {
    const episode = newTestEpisode();
    await configureBilling(superuser, episode, medicareLikePayerSettings);
    const { events } = replay([
      ...certifiedEpisode(episode),
      session(episode, 's-1', '2025-03-07'),
      f.pauseSession('s-1', f.at('2025-03-07', '17:30')),
      f.resumeSession('s-1', f.at('2025-03-07', '17:45')),
      f.signNote('s-1', f.at('2025-03-07', '20:00')),
      ...signedSessions(episode, ['2025-03-10', '2025-03-11'], 2),
      {
        type: 'CancelSession',
        at: f.at('2025-03-12'),
        actor: f.scheduler,
        sessionId: 's-cancelled',
        date: '2025-03-12',
        cancelledBy: 'patient',
      },
      f.discharge('2025-03-20'),
    ]);
    await send(episodeMessages(episode, events));

    const claims = await pollUntil(
      () => claimsOf(billing, episode.episodeId),
      (rows) => rows.length === 1,
      { what: 'the claim' },
    );
    const charges = await chargesOf(billing, episode.episodeId);
    expect(
      charges.map(({ serviceDate, version, billedUnits, amountCents, held, notesSigned }) => ({
        serviceDate,
        version,
        billedUnits,
        amountCents,
        held,
        notesSigned,
      })),
    ).toEqual([
      // The evaluation precedes the plan: no GP.
      { serviceDate: '2025-03-05', version: 1, billedUnits: 1, amountCents: 10_212, held: false, notesSigned: true },
      // 30 + 10 minutes of 97140 after the continuation: 3 units (versions: recorded, resumed, signed).
      { serviceDate: '2025-03-07', version: 3, billedUnits: 3, amountCents: 8_511, held: false, notesSigned: true },
      { serviceDate: '2025-03-10', version: 2, billedUnits: 2, amountCents: 5_674, held: false, notesSigned: true },
      { serviceDate: '2025-03-11', version: 2, billedUnits: 2, amountCents: 5_674, held: false, notesSigned: true },
    ]);
    expect(charges.map((row) => row.departmentId)).toEqual(charges.map(() => episode.departmentId));
    expect(charges[0]?.lines.map((line) => line.modifiers)).toEqual([[]]);
    expect(charges[1]?.lines.map((line) => line.modifiers)).toEqual([['GP']]);
    expect(await yearToDateOf(billing, episode.patientKey, episode.payerId, 2025)).toMatchObject({
      chargesCents: 30_071,
      kxCrossed: false,
    });
    expect(claims[0]).toMatchObject({
      claimId: `${episode.episodeId}-1`,
      frequencyCode: '1',
      replacesClaimId: null,
      originalClaimId: `${episode.episodeId}-1`,
      status: 'current',
      totalChargeCents: 30_071,
      diagnosisCodes: ['M54.50'],
    });
    expect(
      claims[0]?.lines.map(({ serviceDate, code, units, diagnosisPointers }) => ({ serviceDate, code, units, diagnosisPointers })),
    ).toEqual([
      { serviceDate: '2025-03-05', code: '97162', units: 1, diagnosisPointers: [1] },
      { serviceDate: '2025-03-07', code: '97140', units: 3, diagnosisPointers: [1] },
      { serviceDate: '2025-03-10', code: '97140', units: 2, diagnosisPointers: [1] },
      { serviceDate: '2025-03-11', code: '97140', units: 2, diagnosisPointers: [1] },
    ]);

    // Every charge set version and the claim went to careflow.billing-charges.v1, each once.
    const messages = await pollUntil(
      async () => messagesOf(episode.episodeId),
      (list) => list.some((message) => message.type === 'ClaimIssued'),
      { what: 'the claim on the billing topic' },
    );
    expect(messages.filter((message) => message.type === 'ChargeSetChanged')).toHaveLength(1 + 3 + 2 + 2);
    expect(new Set(messages.map((message) => message.id)).size).toBe(messages.length);
    expect(messages.every((message) => message.data['departmentId'] === episode.departmentId)).toBe(true);
    expect(messages.at(-1)).toMatchObject({
      type: 'ClaimIssued',
      id: `claim:${episode.episodeId}-1`,
      data: { frequencyCode: '1', totalChargeCents: 30_071 },
    });
  });

  it('given every event of an episode delivered twice, then each session still has exactly one charge set, with the versions of one delivery', async () => {
    const episode = newTestEpisode();
    await configureBilling(superuser, episode, medicareLikePayerSettings);
    // A continuation adds its minutes: applied twice it would bill 50 minutes (4 units) instead of 40 (3).
    const { events } = replay([
      ...certifiedEpisode(episode),
      session(episode, 's-1', '2025-03-07'),
      f.pauseSession('s-1', f.at('2025-03-07', '17:30')),
      f.resumeSession('s-1', f.at('2025-03-07', '17:45')),
      f.signNote('s-1', f.at('2025-03-07', '20:00')),
      ...signedSessions(episode, ['2025-03-10', '2025-03-11'], 2),
    ]);
    const messages = episodeMessages(episode, events);
    const before = consumer.status().duplicates;
    await send(messages);
    await send(messages);

    await pollUntil(
      async () => consumer.status().duplicates - before,
      (duplicates) => duplicates >= messages.length,
      {
        what: 'every redelivery seen as a duplicate',
      },
    );
    const charges = await chargesOf(billing, episode.episodeId);
    expect(charges.map(({ serviceDate, version, billedUnits }) => ({ serviceDate, version, billedUnits }))).toEqual([
      { serviceDate: '2025-03-05', version: 1, billedUnits: 1 },
      { serviceDate: '2025-03-07', version: 3, billedUnits: 3 },
      { serviceDate: '2025-03-10', version: 2, billedUnits: 2 },
      { serviceDate: '2025-03-11', version: 2, billedUnits: 2 },
    ]);
    const [visits] = await superuser<
      { count: number }[]
    >`SELECT count(*)::int AS count FROM billing_visits WHERE episode_id = ${episode.episodeId}`;
    expect(visits?.count).toBe(4);
    expect(await yearToDateOf(billing, episode.patientKey, episode.payerId, 2025)).toMatchObject({
      chargesCents: 10_212 + 8_511 + 2 * 5_674,
    });
  });

  it('given an addendum correcting the minutes of a billed session, then a corrected charge set and a replacement claim (frequency 7) naming the original', async () => {
    const episode = newTestEpisode();
    await configureBilling(superuser, episode, medicareLikePayerSettings);
    const billed = [...certifiedEpisode(episode), ...signedSessions(episode, ['2025-03-07', '2025-03-10']), f.discharge('2025-03-20')];
    const addendum: CareEpisodeCommand = {
      type: 'AddAddendum',
      at: f.at('2025-03-21'),
      actor: f.therapist,
      sessionId: 's-2',
      addendumId: 'a-1',
      text: 'minutes were 45, not 30',
      correctedLines: [{ code: '97140', minutes: 45, bodyRegions: ['lower-back'] }],
    };
    const { events } = replay([...billed, addendum]);
    const messages = episodeMessages(episode, events);
    await send(messages.slice(0, replay(billed).events.length));
    await pollUntil(
      () => claimsOf(billing, episode.episodeId),
      (rows) => rows.length === 1,
      { what: 'the original claim' },
    );

    await send(messages.slice(replay(billed).events.length));
    const claims = await pollUntil(
      () => claimsOf(billing, episode.episodeId),
      (rows) => rows.length === 2,
      { what: 'the replacement claim' },
    );
    const [corrected] = (await chargesOf(billing, episode.episodeId)).filter((row) => row.serviceDate === '2025-03-10');
    expect(corrected).toMatchObject({ version: 3, billedUnits: 3, amountCents: 8_511 });
    expect(
      claims.map(({ claimId, version, frequencyCode, replacesClaimId, originalClaimId, status, totalChargeCents }) => ({
        claimId,
        version,
        frequencyCode,
        replacesClaimId,
        originalClaimId,
        status,
        totalChargeCents,
      })),
    ).toEqual([
      {
        claimId: `${episode.episodeId}-1`,
        version: 1,
        frequencyCode: '1',
        replacesClaimId: null,
        originalClaimId: `${episode.episodeId}-1`,
        status: 'replaced',
        totalChargeCents: 10_212 + 2 * 5_674,
      },
      {
        claimId: `${episode.episodeId}-2`,
        version: 2,
        frequencyCode: '7',
        replacesClaimId: `${episode.episodeId}-1`,
        originalClaimId: `${episode.episodeId}-1`,
        status: 'current',
        totalChargeCents: 10_212 + 5_674 + 8_511,
      },
    ]);
    expect(await yearToDateOf(billing, episode.patientKey, episode.payerId, 2025)).toMatchObject({ chargesCents: 10_212 + 5_674 + 8_511 });
    await pollUntil(
      async () => messagesOf(episode.episodeId).filter((message) => message.type === 'ClaimIssued'),
      (list) =>
        list.length === 2 && list[1]?.data['frequencyCode'] === '7' && list[1]?.data['replacesClaimId'] === `${episode.episodeId}-1`,
      { what: 'the replacement claim on the billing topic' },
    );
  });

  it('given two episodes of the same patient with one payer, then the year to date spans both and the second crosses KX', async () => {
    const patientKey = randomBytes(32).toString('hex');
    const first = newTestEpisode(patientKey);
    const second = { ...newTestEpisode(patientKey, first.payerId), therapistId: first.therapistId };
    // A low KX threshold so two short episodes cross it: 10,212 + 2 × 5,674 = 21,560 after the first.
    const payer: PayerSettings = {
      ...medicareLikePayerSettings,
      therapyThresholds: { kxThresholdCentsByYear: { 2025: 30_000 }, medicalReviewThresholdCents: 40_000 },
    };
    await configureBilling(superuser, first, payer);
    await send(episodeMessages(first, replay([...certifiedEpisode(first), ...signedSessions(first, ['2025-03-07', '2025-03-10'])]).events));
    await pollUntil(
      () => yearToDateOf(billing, patientKey, first.payerId, 2025),
      (row) => row?.chargesCents === 21_560,
      {
        what: "the first episode's year to date",
      },
    );

    // 21,560 + 5,674 = 27,234 (below), + 5,674 = 32,908 (crosses on 2025-03-11).
    await send(
      episodeMessages(
        second,
        replay([...certifiedEpisode(second), ...signedSessions(second, ['2025-03-07', '2025-03-10', '2025-03-11'])]).events.filter(
          (event) => event.type !== 'AssessmentRecorded',
        ),
      ),
    );
    const yearToDate = await pollUntil(
      () => yearToDateOf(billing, patientKey, first.payerId, 2025),
      (row) => row?.chargesCents === 38_582,
      {
        what: 'both episodes in the year to date',
      },
    );
    expect(yearToDate).toMatchObject({
      kxCrossed: true,
      kxCrossedEpisodeId: second.episodeId,
      kxCrossedOn: '2025-03-10',
      reviewCrossed: false,
    });
    const charges = await chargesOf(billing, second.episodeId);
    expect(
      charges.map(({ serviceDate, kxCrossed, lines }) => ({ serviceDate, kxCrossed, modifiers: lines.map((line) => line.modifiers) })),
    ).toEqual([
      { serviceDate: '2025-03-07', kxCrossed: false, modifiers: [['GP']] },
      { serviceDate: '2025-03-10', kxCrossed: true, modifiers: [['GP', 'KX']] },
      { serviceDate: '2025-03-11', kxCrossed: false, modifiers: [['GP', 'KX']] },
    ]);
  });

  it('given a patient with a unique name, MRN and member id through an episode, then no billing table and no billing message holds any of them; the claim document reads them at rendering', async () => {
    const canary = `Canary${randomBytes(6).toString('hex')}`;
    const mrn = `MRN${randomBytes(6).toString('hex')}`;
    const memberId = `MBR${randomBytes(6).toString('hex')}`;
    const episode = newTestEpisode();
    await configureBilling(superuser, episode, medicareLikePayerSettings);
    const referral = {
      patient: { mrn, name: `${canary} Patient`, birthDate: '1961-07-04', sex: 'female' as const, stateOfResidence: 'MD' },
      payer: { payerId: episode.payerId, memberId },
    };
    const commands = [
      ...certifiedEpisode(episode, referral),
      ...signedSessions(episode, ['2025-03-07', '2025-03-10']),
      f.discharge('2025-03-20'),
    ];
    const { events } = replay(commands);
    // The referral in the event store, as the worker appends it: the one place claim_subscriber reads.
    const [referralEvent] = events;
    if (referralEvent?.type !== 'ReferralReceived') throw new Error('the episode starts with its referral');
    const store = postgres(requireEnv('DATABASE_URL'), { max: 1, onnotice: () => undefined });
    try {
      const { globalPositions } = await createEventStore({ sql: store, outboxTopic: episodeEventsTopic.name }).appendToStream(
        episode.episodeId,
        0,
        [
          {
            eventId: randomUUID(),
            type: 'ReferralReceived',
            data: JSON.parse(JSON.stringify(referralEvent)) as JsonObject,
            metadata: { actor: 'user-lead-1', correlationId: randomUUID(), occurredAt: referralEvent.occurredAt },
          },
        ],
      );
      // Only claim_subscriber is under test here: no relay should publish this referral.
      await superuser`DELETE FROM outbox WHERE global_position IN ${superuser(globalPositions)}`;
    } finally {
      await store.end({ timeout: 5 });
    }
    await send(episodeMessages(episode, events));
    const [claim] = await pollUntil(
      () => claimsOf(billing, episode.episodeId),
      (rows) => rows.length === 1,
      { what: 'the claim' },
    );
    await pollUntil(
      async () => messagesOf(episode.episodeId),
      (list) => list.some((message) => message.type === 'ClaimIssued'),
      {
        what: 'the claim on the billing topic',
      },
    );

    const secrets = [canary, mrn, memberId, '1961-07-04', '19610704'];
    const tables = await superuser<{ row: string }[]>`
      SELECT row_to_json(t)::text AS row FROM billing_episodes t WHERE episode_id = ${episode.episodeId}
      UNION ALL SELECT row_to_json(t)::text FROM billing_visits t WHERE episode_id = ${episode.episodeId}
      UNION ALL SELECT row_to_json(t)::text FROM billing_charges t WHERE episode_id = ${episode.episodeId}
      UNION ALL SELECT row_to_json(t)::text FROM billing_claims t WHERE episode_id = ${episode.episodeId}
      UNION ALL SELECT row_to_json(t)::text FROM billing_year_to_date t WHERE patient_key = ${episode.patientKey}
      UNION ALL SELECT row_to_json(t)::text FROM billing_outbox t WHERE key = ${episode.episodeId}`;
    const messageBytes = published
      .filter((message) => message.key?.toString() === episode.episodeId)
      .map((message) =>
        JSON.stringify({
          key: message.key?.toString(),
          value: message.value?.toString(),
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, value?.toString()])),
        }),
      );
    expect(tables.length).toBeGreaterThan(5);
    expect(messageBytes.length).toBeGreaterThan(3);
    for (const text of [...tables.map((row) => row.row), ...messageBytes]) {
      expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
    }

    const document = await renderClaimDocument(billing, claim?.claimId ?? '');
    expect(document).toMatchObject({
      transaction: '837P',
      frequencyCode: '1',
      subscriber: { memberId, name: `${canary} Patient`, birthDate: '19610704', sex: 'F' },
      diagnoses: [{ qualifier: 'ABK', code: 'M5450' }],
      totalChargeCents: 10_212 + 2 * 5_674,
    });
    expect(document.serviceLines.map((line) => line.procedure.code)).toEqual(['97162', '97140', '97140']);
  });
});
