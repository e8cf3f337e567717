import { randomUUID } from 'node:crypto';
import * as f from '@careflow/domain/testing';
import type { JsonObject } from '../canonical-json';
import type { NewEvent, RecordedEvent } from '../types';

/** The domain's records (referral, plan, session) as event data. */
const json = (record: object): JsonObject => JSON.parse(JSON.stringify(record)) as JsonObject;

/**
 * Event data shaped like libs/domain's care-episode events, its records built with the domain's
 * fixtures; the dates and counters are set by hand so each episode is behind exactly as described.
 */
const event = (type: string, occurredAt: string, data: JsonObject): NewEvent => ({
  eventId: randomUUID(),
  type,
  data: { type, schemaVersion: 1, occurredAt, actor: { userId: 'user-1', role: 'therapist' }, ...data },
  metadata: { actor: 'user-1', correlationId: randomUUID(), occurredAt },
});

/**
 * An episode that is behind on everything: a progress report due, an overdue certification, one
 * authorized visit left, a plateau awaiting a decision, two unsigned notes (one overdue).
 */
export const episodeNeedingAttention = (episodeId: string): NewEvent[] => [
  event('ReferralReceived', '2025-03-01T09:00:00Z', {
    episodeId,
    referral: json(
      f.referral({
        referralId: `referral-${episodeId}`,
        payer: { payerId: 'payer-medicare' },
        authorization: { visits: 3, endDate: '2025-06-30' },
        priority: 'urgent',
      }),
    ),
    validThrough: '2025-05-30',
  }),
  event('ReferralRouted', '2025-03-01T09:05:00Z', { request: {}, decision: {} }),
  event('TherapistOffered', '2025-03-01T09:06:00Z', { therapistId: 'therapist-1', expiresAt: '2025-03-02T09:06:00Z', byLead: false }),
  event('OfferAccepted', '2025-03-01T10:00:00Z', { therapistId: 'therapist-1' }),
  event('IntakeRecorded', '2025-03-02T10:00:00Z', { intake: json(f.recordIntake().intake) }),
  event('AssessmentRecorded', '2025-03-03T10:00:00Z', { assessment: json(f.recordAssessment({ assessedOn: '2025-03-03' }).assessment) }),
  event('PlanOfCareEstablished', '2025-03-03T11:00:00Z', {
    plan: json(f.plan()),
    version: 1,
    periodStart: '2025-03-03',
    periodEnd: '2025-04-27',
  }),
  event('SessionRecorded', '2025-03-05T10:00:00Z', {
    sessionId: 'session-1',
    session: json(f.sessionDocumentation('2025-03-05')),
    visitNumber: 1,
    newTreatmentDay: true,
    treatmentDaysInPeriod: 2,
    certificationStanding: 'awaiting-certification',
  }),
  event('SessionRecorded', '2025-03-07T10:00:00Z', {
    sessionId: 'session-2',
    session: json(f.sessionDocumentation('2025-03-07')),
    visitNumber: 2,
    newTreatmentDay: true,
    treatmentDaysInPeriod: 3,
    certificationStanding: 'awaiting-certification',
  }),
  event('NoteSigned', '2025-03-07T12:00:00Z', { sessionId: 'session-1' }),
  event('ProgressReportDueSoon', '2025-03-20T10:00:00Z', { treatmentDaysInPeriod: 8 }),
  event('CertificationDelinquent', '2025-04-03T00:00:00Z', { dueOn: '2025-04-02' }),
  event('SessionRecorded', '2025-04-03T10:00:00Z', {
    sessionId: 'session-3',
    session: json(f.sessionDocumentation('2025-04-03', { selfPay: true })),
    visitNumber: 3,
    newTreatmentDay: true,
    treatmentDaysInPeriod: 10,
    certificationStanding: 'delinquent',
  }),
  event('NoteSignatureOverdue', '2025-04-04T10:00:00Z', { sessionId: 'session-2', recordedAt: '2025-03-07T10:00:00Z' }),
  event('PlateauDetected', '2025-04-04T11:00:00Z', { measure: 'NPRS', values: [5, 5, 5] }),
  event('ProgressReportDue', '2025-04-04T12:00:00Z', { basis: 'treatment-days' }),
];

/** An episode that went well and was discharged, with one note still unsigned. */
export const dischargedEpisode = (episodeId: string): NewEvent[] => [
  event('ReferralReceived', '2025-02-01T09:00:00Z', {
    episodeId,
    referral: json(f.referral({ referralId: `referral-${episodeId}`, referralDate: '2025-02-01', payer: { payerId: 'payer-acme' } })),
    validThrough: '2025-05-01',
  }),
  event('OfferAccepted', '2025-02-01T10:00:00Z', { therapistId: 'therapist-2' }),
  event('AssessmentRecorded', '2025-02-03T10:00:00Z', { assessment: json(f.recordAssessment({ assessedOn: '2025-02-03' }).assessment) }),
  event('PlanOfCareEstablished', '2025-02-03T11:00:00Z', {
    plan: json(f.plan()),
    version: 1,
    periodStart: '2025-02-03',
    periodEnd: '2025-03-30',
  }),
  event('PlanOfCareCertified', '2025-02-10T10:00:00Z', { signedOn: '2025-02-10', timely: true }),
  event('SessionRecorded', '2025-02-05T10:00:00Z', {
    sessionId: 'session-a',
    session: json(f.sessionDocumentation('2025-02-05')),
    visitNumber: 1,
    treatmentDaysInPeriod: 2,
  }),
  event('ProgressReportRecorded', '2025-02-20T10:00:00Z', { reportId: 'report-1', reportedOn: '2025-02-20', treatmentDaysInPeriod: 9 }),
  event('EpisodeDischarged', '2025-03-01T10:00:00Z', { dischargedOn: '2025-03-01', reason: 'goals-met', summary: {} }),
];

/** The events as the store would hand them back (positions made up, metadata stamped). */
export const asRecorded = (streamId: string, events: readonly NewEvent[], firstPosition = 1): RecordedEvent[] =>
  events.map((event, index) => ({
    globalPosition: firstPosition + index,
    txId: String(1000 + index),
    streamId,
    streamVersion: index + 1,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion ?? 1,
    data: event.data,
    metadata: { ...event.metadata, recordedAt: event.metadata.occurredAt },
  }));
