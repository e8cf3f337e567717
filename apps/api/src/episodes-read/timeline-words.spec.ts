/**
 * The words of each event type the whole-episode story does not reach; with the story, every type the
 * domain knows has a spec (the last test fails when a new event type has none).
 */
import { careEpisodeEventTypes, type CareEpisodeEvent } from '@careflow/domain';
import { episodeStory } from '../testing/episode-story';
import { describeEvent } from './timeline';

const base = { schemaVersion: 1, occurredAt: '2025-03-10T10:00:00.000Z', actor: { userId: 'u-1', role: 'therapist' } } as const;
const physician = { name: 'Dr. Certifier', npi: '1234567893', credential: 'MD' };

/** One event per type with the summary it reads as and, where it matters, a detail line. */
const cases: ReadonlyArray<readonly [CareEpisodeEvent, string, string?]> = [
  [
    { ...base, type: 'OfferDeclined', therapistId: 't-2', reason: 'caseload' },
    'Therapist t-2 declined the referral.',
    'reason: "caseload"',
  ],
  [{ ...base, type: 'OfferExpired', therapistId: 't-2' }, 'The offer to therapist t-2 expired without an answer.'],
  [
    { ...base, type: 'RoutingEscalated', reason: 'offer-limit-reached' },
    'Referral escalated to the department lead: the offer limit was reached.',
  ],
  [{ ...base, type: 'ReferralDeclined', reason: 'out of scope' }, 'Referral declined by the department.', 'reason: "out of scope"'],
  [
    {
      ...base,
      type: 'ContraindicationFlagged',
      contraindication: {
        findingId: 'f-1',
        condition: 'osteoporosis',
        severity: 'relative',
        restrictions: [{ kind: 'pressure', max: 'light', regions: ['lower-back'] }],
      },
    },
    'Contraindication flagged: osteoporosis (relative).',
    'restriction: at most light pressure on lower-back',
  ],
  [
    { ...base, type: 'ClearanceRequested', findingId: 'f-1', referringProviderNpi: '1234567893' },
    'Medical clearance requested for finding f-1 from the referring provider (NPI 1234567893).',
  ],
  [
    { ...base, type: 'ClearanceGranted', findingId: 'f-1', clearedBy: physician, clearedOn: '2025-03-11' },
    'Medical clearance for finding f-1 granted by Dr. Certifier, MD (NPI 1234567893) on 2025-03-11.',
  ],
  [{ ...base, type: 'EpisodePutOnHold', reason: 'contraindication' }, 'Episode put on hold for a contraindication awaiting clearance.'],
  [{ ...base, type: 'EpisodeResumed' }, 'Episode resumed.'],
  [
    {
      ...base,
      type: 'PlanOfCareRevised',
      plan: {
        goals: [{ goalId: 'g-1', description: 'walk', measure: 'NPRS', baseline: 7, target: 2, targetDate: '2025-05-01' }],
        primaryMeasure: 'NPRS',
        techniques: ['myofascial-release'],
        frequencyPerWeek: 3,
        durationWeeks: 8,
        precautions: [],
      },
      version: 2,
      reason: 'more sessions',
      materialChanges: ['frequency'],
      recertificationRequired: true,
      periodEnd: '2025-05-01',
    },
    'Plan of care revised to version 2; the period ends 2025-05-01.',
    'recertification required',
  ],
  [
    { ...base, type: 'VerbalOrderReceived', certifier: physician, orderedOn: '2025-03-06', timely: true, signatureDueOn: '2025-03-20' },
    'Verbal order received from Dr. Certifier, MD (NPI 1234567893) on 2025-03-06.',
    'signature due by 2025-03-20',
  ],
  [{ ...base, type: 'VerbalOrderSigned', signedOn: '2025-03-25', timely: false }, 'Verbal order signed on 2025-03-25 (late).'],
  [
    {
      ...base,
      type: 'PlanOfCareRecertified',
      certifier: physician,
      signedOn: '2025-04-25',
      periodStart: '2025-04-28',
      periodEnd: '2025-06-22',
    },
    'Plan of care recertified by Dr. Certifier, MD (NPI 1234567893) on 2025-04-25 for 2025-04-28 to 2025-06-22.',
  ],
  [
    { ...base, type: 'OrderRenewed', orderedBy: physician, orderedOn: '2025-04-01', validThrough: '2025-06-30' },
    'Order renewed by Dr. Certifier, MD (NPI 1234567893) on 2025-04-01, valid through 2025-06-30.',
  ],
  [
    { ...base, type: 'AuthorizationRecorded', addedVisits: 6, authorization: { visits: 12, endDate: '2025-06-30' } },
    'Payer authorization recorded.',
    'in force: 12 visit(s) through 2025-06-30',
  ],
  [{ ...base, type: 'ProgressReportDueSoon', treatmentDaysInPeriod: 8 }, 'A progress report is due soon (8 treatment days in the period).'],
  [{ ...base, type: 'ProgressReportDue', basis: 'calendar-days' }, 'A progress report is due (by calendar days).'],
  [
    { ...base, type: 'SessionCancelled', sessionId: 's-9', date: '2025-03-12', cancelledBy: 'patient', reason: 'sick' },
    'Visit on 2025-03-12 cancelled by the patient.',
    'reason: "sick"',
  ],
  [{ ...base, type: 'NoShowRecorded', sessionId: 's-9', date: '2025-03-12', consecutiveNoShows: 2 }, 'No-show on 2025-03-12 (2 in a row).'],
  [{ ...base, type: 'NoShowDischargePromptRaised', consecutiveNoShows: 3 }, 'Discharge to be considered after 3 consecutive no-shows.'],
  [
    { ...base, type: 'CorrectedClaimRequired', sessionId: 's-1', addendumId: 'a-1', changedFields: ['units'] },
    'A corrected claim is needed for session s-1 (addendum a-1).',
    'changed: units',
  ],
  [
    { ...base, type: 'PlateauDetected', measure: 'ODI', values: [30, 29, 29] },
    'Progress has plateaued on ODI (30, 29, 29); a decision is needed.',
  ],
  [
    { ...base, type: 'PlateauDecisionRecorded', decision: 'continue-as-maintenance', justification: 'prevents decline' },
    'Plateau decision: continue-as-maintenance.',
    'justification: "prevents decline"',
  ],
  [
    {
      ...base,
      type: 'ReevaluationRecorded',
      reevaluationId: 'r-1',
      reevaluatedOn: '2025-04-01',
      reason: 'significant-change',
      findings: 'new radicular pain',
      measures: [{ measure: 'NPRS', value: 6 }],
      billAsReevaluation: true,
    },
    'Re-evaluation r-1 on 2025-04-01 (significant-change).',
    'billed as a re-evaluation',
  ],
  [{ ...base, type: 'EpisodeCancelled', reason: 'moved away' }, 'Episode cancelled.', 'reason: "moved away"'],
  [
    {
      ...base,
      type: 'TherapyThresholdCrossed',
      payerId: 'payer-1',
      year: 2025,
      threshold: 'kx',
      sessionId: 's-4',
      thresholdCents: 241000,
      yearToDateBeforeCents: 240000,
      yearToDateAfterCents: 249000,
    },
    'The kx therapy threshold of payer payer-1 for 2025 was crossed by session s-4.',
    'threshold 2410.00; year to date 2400.00 to 2490.00',
  ],
  [
    { ...base, type: 'CertificationDelinquent', dueOn: '2025-04-04' },
    'The plan of care was not certified in time: certification is delinquent.',
    'last day: 2025-04-04',
  ],
  [
    { ...base, type: 'SessionsCertificationDelinquent', sessionIds: ['s-1', 's-2'], cause: 'late-certification' },
    'Session(s) s-1, s-2 flagged: the certification came late.',
  ],
  [{ ...base, type: 'VerbalOrderDelinquent', dueOn: '2025-03-20' }, 'The verbal order was not signed in time.', 'last day: 2025-03-20'],
  [
    { ...base, type: 'CertifiedPeriodEnded', periodEnd: '2025-04-27' },
    'The certified period ended on 2025-04-27: no sessions until the plan is recertified.',
  ],
  [{ ...base, type: 'AuthorizationEnded', endDate: '2025-06-30' }, 'The payer authorization ended on 2025-06-30.'],
  [
    { ...base, type: 'NoteSignatureOverdue', sessionId: 's-2', overdueSince: '2025-03-12T17:00:00.000Z' },
    'The note of session s-2 is unsigned past its deadline (2025-03-12T17:00:00.000Z).',
  ],
  [
    { ...base, type: 'ClearanceSignalRefused', claimedRole: 'unknown', reason: 'not-from-ehr-feed' },
    'A clearance message was not applied: not-from-ehr-feed.',
    'claimed role: unknown',
  ],
];

describe('the words of each event type', () => {
  it.each(cases.map(([event, summary, detail]) => [event.type, event, summary, detail] as const))('%s', (_type, event, summary, detail) => {
    const words = describeEvent(event, { noteText: true });
    expect(words.summary).toBe(summary);
    if (detail !== undefined) expect(words.details).toContain(detail);
  });

  it('withholds free text from callers without note-text', () => {
    for (const [event] of cases) {
      const text = JSON.stringify(describeEvent(event, { noteText: false }));
      for (const secret of ['caseload', 'out of scope', 'more sessions', 'sick', 'prevents decline', 'new radicular pain', 'moved away']) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it('covers, with the whole-episode story, every event type the domain knows', () => {
    const covered = new Set([...cases.map(([event]) => event.type), ...episodeStory().events.map((event) => event.type)]);
    expect(careEpisodeEventTypes.filter((type) => !covered.has(type))).toEqual([]);
  });
});
