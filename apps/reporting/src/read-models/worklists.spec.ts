import { episodeNeedingAttention, integrationEvent, session } from '../testing/episode-events';
import type { EpisodeEvent, EventData } from './read-model';
import { episodeWorklists, evolveEpisodeWorklist, type EpisodeWorklistRow } from './worklists';

const fold = (events: readonly EpisodeEvent[], from: EpisodeWorklistRow | null = null): EpisodeWorklistRow | null =>
  events.reduce<EpisodeWorklistRow | null>((row, event) => evolveEpisodeWorklist(row, event), from);

/** The row after one more event of `type`, on 2025-04-10. */
const followUp = <T extends EpisodeEvent['type']>(
  row: EpisodeWorklistRow,
  type: T,
  fields: Omit<EventData<T>, 'episodeId' | 'patientKey' | 'occurredAt' | 'actor'>,
): EpisodeWorklistRow =>
  evolveEpisodeWorklist(row, integrationEvent(row.episode_id, type, '2025-04-10T10:00:00Z', fields)) as EpisodeWorklistRow;

const practitioner = { npi: '1234567893', credential: 'MD' };

describe('episode worklists', () => {
  const behind = fold(episodeNeedingAttention('episode-1')) as EpisodeWorklistRow;

  it('given an episode that is behind, when folded, then it is on every list it belongs to', () => {
    expect(behind).toEqual({
      episode_id: 'episode-1',
      therapist_id: 'therapist-1',
      open: true,
      treatment_days_in_period: 10,
      progress_report: 'due',
      first_treatment_on: '2025-03-03',
      certification: 'delinquent',
      certification_due_on: '2025-04-02',
      plan_period_end: '2025-04-27',
      visits_authorized: 3,
      authorized_visits_used: 2,
      authorization_end_on: '2025-06-30',
      authorization_ended: false,
      re_evaluation_reason: 'plateau',
      re_evaluation_due_since: '2025-04-04',
      unsigned_notes: [
        { session_id: 'session-2', session_date: '2025-03-07', recorded_at: '2025-03-07T10:00:00Z', overdue: true },
        { session_id: 'session-3', session_date: '2025-04-03', recorded_at: '2025-04-03T10:00:00Z', overdue: false },
      ],
      department_id: null,
      plateau_pending: true,
      plateau_measure: 'NPRS',
      plateau_detected_on: '2025-04-04',
      flagged_sessions: [],
      thresholds_crossed: [],
    });
  });

  it('given a plan just established, when folded, then it awaits certification with the domain deadline: 30 days after the first treatment day', () => {
    const events = episodeNeedingAttention('episode-1');
    const planned = fold(events.slice(0, events.findIndex((event) => event.type === 'PlanOfCareEstablished') + 1));
    expect(planned).toMatchObject({ first_treatment_on: '2025-03-03', certification: 'awaiting', certification_due_on: '2025-04-02' });
  });

  it('given an episode behind, when the work is done, then it leaves each list', () => {
    let row = followUp(behind, 'ProgressReportRecorded', {
      reportId: 'report-1',
      reportedOn: '2025-04-10',
      measures: [],
      goals: [],
      treatmentDaysInPeriod: 10,
    });
    row = followUp(row, 'PlanOfCareCertified', { certifier: practitioner, signedOn: '2025-04-10', timely: false });
    row = followUp(row, 'PlateauDecisionRecorded', { decision: 'continue-as-maintenance' });
    row = followUp(row, 'NoteSigned', { sessionId: 'session-2' });
    row = followUp(row, 'NoteSigned', { sessionId: 'session-3' });
    expect(row).toMatchObject({
      progress_report: 'not-due',
      treatment_days_in_period: 0,
      certification: 'certified',
      certification_due_on: null,
      re_evaluation_reason: null,
      plateau_pending: false,
      unsigned_notes: [],
    });
  });

  it('given a plateau, when the clinician decides to re-evaluate, then a re-evaluation is due until it is recorded', () => {
    const decided = followUp(behind, 'PlateauDecisionRecorded', { decision: 're-evaluate-and-revise' });
    expect(decided).toMatchObject({
      re_evaluation_reason: 'plateau-decision',
      re_evaluation_due_since: '2025-04-10',
      plateau_pending: false,
    });
    expect(
      followUp(decided, 'ReevaluationRecorded', {
        reevaluationId: 'r-1',
        reevaluatedOn: '2025-04-10',
        reason: 'no-response-to-treatment',
        measures: [],
        billAsReevaluation: true,
      }),
    ).toMatchObject({ re_evaluation_reason: null });
  });

  it('given the certified period ends, when recertified, then the re-evaluation it asked for is cleared', () => {
    const ended = followUp(behind, 'CertifiedPeriodEnded', { periodEnd: '2025-04-27' });
    const cleared = followUp(behind, 'ReevaluationRecorded', {
      reevaluationId: 'r-1',
      reevaluatedOn: '2025-04-10',
      reason: 'significant-change',
      measures: [],
      billAsReevaluation: false,
    });
    const periodEnded = followUp(cleared, 'CertifiedPeriodEnded', { periodEnd: '2025-04-27' });
    expect(ended).toMatchObject({ certification: 'period-ended', re_evaluation_reason: 'plateau' });
    expect(periodEnded).toMatchObject({ re_evaluation_reason: 'certified-period-ended' });
    expect(
      followUp(periodEnded, 'PlanOfCareRecertified', {
        certifier: practitioner,
        signedOn: '2025-04-28',
        periodStart: '2025-04-28',
        periodEnd: '2025-06-30',
      }),
    ).toMatchObject({ certification: 'certified', re_evaluation_reason: null, plan_period_end: '2025-06-30' });
  });

  it('given the period ended during a plateau, when the plateau is settled otherwise, then the period end still asks for a re-evaluation', () => {
    const ended = followUp(behind, 'CertifiedPeriodEnded', { periodEnd: '2025-04-27' });
    expect(followUp(ended, 'PlateauDecisionRecorded', { decision: 'continue-as-maintenance' })).toMatchObject({
      certification: 'period-ended',
      re_evaluation_reason: 'certified-period-ended',
      re_evaluation_due_since: behind.plan_period_end,
    });
    expect(followUp(behind, 'PlateauDecisionRecorded', { decision: 'continue-as-maintenance' })).toMatchObject({
      re_evaluation_reason: null,
      re_evaluation_due_since: null,
    });
  });

  it('given a verbal order, when folded, then it is listed with its signature deadline until signed', () => {
    const verbal = followUp(behind, 'VerbalOrderReceived', {
      certifier: practitioner,
      orderedOn: '2025-04-10',
      timely: true,
      signatureDueOn: '2025-04-24',
    });
    expect(verbal).toMatchObject({ certification: 'verbal-order', certification_due_on: '2025-04-24' });
    expect(followUp(verbal, 'VerbalOrderSigned', { signedOn: '2025-04-20', timely: true })).toMatchObject({
      certification: 'certified',
      certification_due_on: null,
    });
  });

  it('given one authorized visit left, when two more insured sessions are recorded, then the second is beyond the authorization', () => {
    const first = followUp(behind, 'SessionRecorded', sessionFields('session-4', '2025-04-10', 4));
    const second = evolveEpisodeWorklist(
      first,
      session('episode-1', 'session-5', '2025-04-11', { visitNumber: 5, treatmentDaysInPeriod: 2 }),
    );
    expect(first.flagged_sessions).toEqual([]);
    expect(second?.flagged_sessions).toEqual([
      { session_id: 'session-5', session_date: '2025-04-11', past_certified_period: false, beyond_authorization: true },
    ]);
  });

  it('given a new authorization, when recorded, then later sessions count against it', () => {
    const renewed = followUp(behind, 'AuthorizationRecorded', { addedVisits: 10, authorization: { visits: 13, endDate: '2025-09-30' } });
    const row = evolveEpisodeWorklist(
      renewed,
      session('episode-1', 'session-4', '2025-07-10', { visitNumber: 4, treatmentDaysInPeriod: 1 }),
    );
    expect(row).toMatchObject({ visits_authorized: 13, authorization_end_on: '2025-09-30', authorized_visits_used: 3 });
    expect(row?.flagged_sessions).toEqual([
      { session_id: 'session-4', session_date: '2025-07-10', past_certified_period: true, beyond_authorization: false },
    ]);
  });

  it('given a session paid by the patient, when recorded past the authorization, then it is not flagged', () => {
    const ended = followUp(behind, 'AuthorizationEnded', { endDate: '2025-04-09' });
    const selfPay = evolveEpisodeWorklist(
      ended,
      session('episode-1', 'session-4', '2025-04-12', { visitNumber: 4, treatmentDaysInPeriod: 1, selfPay: true }),
    );
    expect(ended).toMatchObject({ authorization_ended: true });
    expect(selfPay?.flagged_sessions).toEqual([]);
  });

  it('given the patient crosses the review threshold, when folded, then the crossing is listed', () => {
    const row = followUp(behind, 'TherapyThresholdCrossed', {
      payerId: 'payer-medicare',
      year: 2025,
      threshold: 'targeted-medical-review',
      sessionId: 'session-3',
      thresholdCents: 300_000,
      yearToDateBeforeCents: 299_000,
      yearToDateAfterCents: 301_000,
    });
    expect(row.thresholds_crossed).toEqual([
      { threshold: 'targeted-medical-review', payer_id: 'payer-medicare', year: 2025, session_id: 'session-3', crossed_on: '2025-04-10' },
    ]);
  });

  it('given a discharge, when folded, then the episode is closed and its unsigned notes stay listed', () => {
    const discharged = followUp(behind, 'EpisodeDischarged', {
      dischargedOn: '2025-04-10',
      reason: 'patient-request',
      measures: [],
      goals: [],
      sessionsDelivered: 3,
      noShows: 0,
      cancellations: 0,
    });
    expect(discharged).toMatchObject({ open: false });
    expect(discharged.unsigned_notes).toHaveLength(2);
  });

  it('lists exactly the columns of its row', () => {
    expect([...episodeWorklists.columns].sort()).toEqual(Object.keys(behind).sort());
  });
});

function sessionFields(
  sessionId: string,
  date: string,
  visitNumber: number,
): Omit<EventData<'SessionRecorded'>, 'episodeId' | 'patientKey' | 'occurredAt' | 'actor'> {
  const { data } = session('episode-1', sessionId, date, { visitNumber, treatmentDaysInPeriod: 1 }) as Extract<
    EpisodeEvent,
    { type: 'SessionRecorded' }
  >;
  const { episodeId: _episodeId, patientKey: _patientKey, occurredAt: _occurredAt, actor: _actor, ...fields } = data;
  return fields;
}
