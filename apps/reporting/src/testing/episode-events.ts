/**
 * Test code only: integration events as reporting receives them, either decided by the domain from
 * its fixtures' commands (whole episodes) or written by hand for one situation.
 */
import { randomUUID } from 'node:crypto';
import type { CareEpisodeCommand, CareEpisodeEvent } from '@careflow/domain';
import * as f from '@careflow/domain/testing';
import { toIntegrationEvent } from '@careflow/contracts';
import type { EpisodeEvent, EventData } from '../read-models/read-model';

export const patientKey = 'c'.repeat(64);

type Envelope = 'episodeId' | 'patientKey' | 'occurredAt' | 'actor';

/** One integration event of `type`, its envelope filled in. */
export const integrationEvent = <T extends EpisodeEvent['type']>(
  episodeId: string,
  type: T,
  occurredAt: string,
  fields: Omit<EventData<T>, Envelope>,
  departmentId?: string,
): EpisodeEvent =>
  ({
    eventId: randomUUID(),
    type,
    version: 1,
    data: {
      episodeId,
      patientKey,
      occurredAt,
      actor: { userId: 'user-1', role: 'therapist' },
      ...(departmentId === undefined ? {} : { departmentId }),
      ...fields,
    },
  }) as EpisodeEvent;

/** The integration events of the episode the domain decides from `commands` (its fixtures' department settings). */
export const decidedEpisode = (episodeId: string, commands: readonly CareEpisodeCommand[], departmentId?: string): EpisodeEvent[] =>
  (f.replay(commands).events as CareEpisodeEvent[]).map((event) => {
    const integration = toIntegrationEvent(event, { episodeId, patientKey, ...(departmentId === undefined ? {} : { departmentId }) });
    return { eventId: randomUUID(), ...integration };
  });

/**
 * An episode that is behind on everything: a progress report due, an overdue certification, one
 * authorized visit left, a plateau awaiting a decision, two unsigned notes (one overdue).
 */
export const episodeNeedingAttention = (episodeId: string): EpisodeEvent[] => [
  integrationEvent(episodeId, 'ReferralReceived', '2025-03-01T09:00:00Z', {
    referralId: `referral-${episodeId}`,
    diagnosisCodes: ['M54.50', 'M62.830'],
    referralDate: '2025-03-01',
    validThrough: '2025-05-30',
    referringProviderNpi: '1234567893',
    payerId: 'payer-medicare',
    authorization: { visits: 3, endDate: '2025-06-30' },
    priority: 'urgent',
  }),
  integrationEvent(episodeId, 'TherapistOffered', '2025-03-01T09:06:00Z', {
    therapistId: 'therapist-1',
    expiresAt: '2025-03-02T09:06:00Z',
    byLead: false,
  }),
  integrationEvent(episodeId, 'OfferAccepted', '2025-03-01T10:00:00Z', { therapistId: 'therapist-1' }),
  integrationEvent(episodeId, 'IntakeRecorded', '2025-03-02T10:00:00Z', { findings: [] }),
  integrationEvent(episodeId, 'AssessmentRecorded', '2025-03-03T10:00:00Z', {
    assessedOn: '2025-03-03',
    painRegions: ['lower-back'],
    measures: [
      { measure: 'NPRS', value: 7 },
      { measure: 'ODI', value: 40 },
    ],
  }),
  integrationEvent(episodeId, 'PlanOfCareEstablished', '2025-03-03T11:00:00Z', {
    plan: { goals: [], primaryMeasure: 'NPRS', techniques: ['swedish'], frequencyPerWeek: 2, durationWeeks: 8 },
    planVersion: 1,
    periodStart: '2025-03-03',
    periodEnd: '2025-04-27',
  }),
  session(episodeId, 'session-1', '2025-03-05', { visitNumber: 1, treatmentDaysInPeriod: 2 }),
  session(episodeId, 'session-2', '2025-03-07', { visitNumber: 2, treatmentDaysInPeriod: 3 }),
  integrationEvent(episodeId, 'NoteSigned', '2025-03-07T12:00:00Z', { sessionId: 'session-1' }),
  integrationEvent(episodeId, 'ProgressReportDueSoon', '2025-03-20T10:00:00Z', { treatmentDaysInPeriod: 8 }),
  integrationEvent(episodeId, 'CertificationDelinquent', '2025-04-03T00:00:00Z', { dueOn: '2025-04-02' }),
  session(episodeId, 'session-3', '2025-04-03', { visitNumber: 3, treatmentDaysInPeriod: 10, selfPay: true }),
  integrationEvent(episodeId, 'NoteSignatureOverdue', '2025-04-04T10:00:00Z', {
    sessionId: 'session-2',
    overdueSince: '2025-03-08T10:00:00Z',
  }),
  integrationEvent(episodeId, 'PlateauDetected', '2025-04-04T11:00:00Z', { measure: 'NPRS', values: [5, 5, 5] }),
  integrationEvent(episodeId, 'ProgressReportDue', '2025-04-04T12:00:00Z', { basis: 'treatment-days' }),
];

/** A session recorded on `date` (at 10:00 UTC) by therapist-1. */
export function session(
  episodeId: string,
  sessionId: string,
  date: string,
  fields: { visitNumber: number; treatmentDaysInPeriod: number; selfPay?: boolean },
): EpisodeEvent {
  return integrationEvent(episodeId, 'SessionRecorded', `${date}T10:00:00Z`, {
    sessionId,
    date,
    therapistId: 'therapist-1',
    lines: [{ code: '97124', minutes: 30, bodyRegions: ['lower-back'] }],
    techniques: ['swedish'],
    pressure: [],
    adverseEventCount: 0,
    selfPay: fields.selfPay ?? false,
    visitNumber: fields.visitNumber,
    newTreatmentDay: true,
    treatmentDaysInPeriod: fields.treatmentDaysInPeriod,
    certificationStanding: 'awaiting-certification',
  });
}
