import { asRecorded, dischargedEpisode, episodeNeedingAttention } from '../testing/episode-events';
import type { RecordedEvent } from '../types';
import { evolveEpisodeWorklist, worklistProjection, type EpisodeWorklistRow } from './worklists';

const fold = (events: readonly RecordedEvent[], from: EpisodeWorklistRow | null = null): EpisodeWorklistRow | null =>
  events.reduce<EpisodeWorklistRow | null>((row, event) => evolveEpisodeWorklist(row, event), from);

const followUp = (row: EpisodeWorklistRow, type: string, data: RecordedEvent['data']): EpisodeWorklistRow | null =>
  evolveEpisodeWorklist(row, {
    ...(asRecorded(row.episode_id, episodeNeedingAttention(row.episode_id))[0] as RecordedEvent),
    type,
    data: { occurredAt: '2025-04-10T10:00:00Z', ...data },
  });

describe('episode worklists', () => {
  const behind = fold(asRecorded('episode-1', episodeNeedingAttention('episode-1'))) as EpisodeWorklistRow;

  it('puts an episode that is behind on every list it belongs to', () => {
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
    });
  });

  it('shows a plan awaiting certification with the domain deadline: 30 days after the first treatment day', () => {
    const events = asRecorded('episode-1', episodeNeedingAttention('episode-1'));
    const planned = fold(events.slice(0, events.findIndex((event) => event.type === 'PlanOfCareEstablished') + 1));
    expect(planned).toMatchObject({ first_treatment_on: '2025-03-03', certification: 'awaiting', certification_due_on: '2025-04-02' });
  });

  it('takes an episode off each list when the work is done', () => {
    let row = behind;
    for (const [type, data] of [
      ['ProgressReportRecorded', { reportId: 'report-1', reportedOn: '2025-04-10' }],
      ['PlanOfCareCertified', { signedOn: '2025-04-10', timely: false }],
      ['PlateauDecisionRecorded', { decision: 'continue-as-maintenance', justification: 'x' }],
      ['NoteSigned', { sessionId: 'session-2' }],
      ['NoteSigned', { sessionId: 'session-3' }],
    ] as const) {
      row = followUp(row, type, data) as EpisodeWorklistRow;
    }
    expect(row).toMatchObject({
      progress_report: 'not-due',
      treatment_days_in_period: 0,
      certification: 'certified',
      certification_due_on: null,
      re_evaluation_reason: null,
      unsigned_notes: [],
    });
  });

  it('asks for a re-evaluation after a decision to re-evaluate, until it is recorded', () => {
    const decided = followUp(behind, 'PlateauDecisionRecorded', { decision: 're-evaluate-and-revise' }) as EpisodeWorklistRow;
    expect(decided).toMatchObject({ re_evaluation_reason: 'plateau-decision', re_evaluation_due_since: '2025-04-10' });
    expect(followUp(decided, 'ReevaluationRecorded', { reevaluationId: 'r-1' })).toMatchObject({ re_evaluation_reason: null });
  });

  it('asks for a re-evaluation when the certified period ends, cleared by recertification', () => {
    const ended = followUp(behind, 'CertifiedPeriodEnded', { periodEnd: '2025-04-27' }) as EpisodeWorklistRow;
    const cleared = followUp(behind, 'ReevaluationRecorded', {}) as EpisodeWorklistRow;
    const periodEnded = followUp(cleared, 'CertifiedPeriodEnded', { periodEnd: '2025-04-27' }) as EpisodeWorklistRow;
    expect(ended).toMatchObject({ certification: 'period-ended', re_evaluation_reason: 'plateau' });
    expect(periodEnded).toMatchObject({ re_evaluation_reason: 'certified-period-ended' });
    expect(followUp(periodEnded, 'PlanOfCareRecertified', { periodStart: '2025-04-28', periodEnd: '2025-06-30' })).toMatchObject({
      certification: 'certified',
      re_evaluation_reason: null,
      plan_period_end: '2025-06-30',
    });
  });

  it('keeps asking for the re-evaluation a certified period end needs after a plateau is settled otherwise', () => {
    const ended = followUp(behind, 'CertifiedPeriodEnded', { periodEnd: '2025-04-27' }) as EpisodeWorklistRow;
    const settled = followUp(ended, 'PlateauDecisionRecorded', { decision: 'continue-as-maintenance' });
    expect(settled).toMatchObject({
      certification: 'period-ended',
      re_evaluation_reason: 'certified-period-ended',
      re_evaluation_due_since: behind.plan_period_end,
    });
    expect(followUp(behind, 'PlateauDecisionRecorded', { decision: 'continue-as-maintenance' })).toMatchObject({
      re_evaluation_reason: null,
      re_evaluation_due_since: null,
    });
  });

  it('shows a verbal order until it is signed, with its signature deadline', () => {
    const verbal = followUp(behind, 'VerbalOrderReceived', { orderedOn: '2025-04-10', signatureDueOn: '2025-04-24' });
    expect(verbal).toMatchObject({ certification: 'verbal-order', certification_due_on: '2025-04-24' });
  });

  it('marks the authorization ended, and closes the episode at discharge keeping unsigned notes', () => {
    expect(followUp(behind, 'AuthorizationEnded', { endDate: '2025-06-30' })).toMatchObject({ authorization_ended: true });
    const discharged = fold(asRecorded('episode-2', dischargedEpisode('episode-2')));
    expect(discharged).toMatchObject({
      open: false,
      certification: 'certified',
      visits_authorized: null,
      unsigned_notes: [{ session_id: 'session-a', overdue: false }],
    });
  });

  it('lists exactly the columns of its row', () => {
    expect([...worklistProjection.columns].sort()).toEqual(Object.keys(behind).sort());
  });
});
