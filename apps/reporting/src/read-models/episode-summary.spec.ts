import { episodeNeedingAttention, integrationEvent, patientKey } from '../testing/episode-events';
import { episodeSummaries, evolveEpisodeSummary, type EpisodeSummaryRow } from './episode-summary';
import type { EpisodeEvent } from './read-model';

const fold = (events: readonly EpisodeEvent[], from: EpisodeSummaryRow | null = null): EpisodeSummaryRow | null =>
  events.reduce<EpisodeSummaryRow | null>((row, event) => evolveEpisodeSummary(row, event), from);

describe('episode summary', () => {
  it('given an episode from referral through sessions, when folded, then it shows where the episode stands with no patient identifier', () => {
    const events = episodeNeedingAttention('episode-1');
    expect(fold(events)).toEqual({
      episode_id: 'episode-1',
      status: 'active',
      referral_id: 'referral-episode-1',
      payer_id: 'payer-medicare',
      referral_date: '2025-03-01',
      referral_valid_through: '2025-05-30',
      priority: 'urgent',
      offered_therapist_id: null,
      therapist_id: 'therapist-1',
      offers_not_accepted: 0,
      routing_escalated: false,
      intake_recorded_at: '2025-03-02T10:00:00Z',
      assessed_on: '2025-03-03',
      plan_version: 1,
      certification_status: 'delinquent',
      plan_period_start: '2025-03-03',
      plan_period_end: '2025-04-27',
      visits_delivered: 3,
      visits_missed: 0,
      last_session_on: '2025-04-03',
      treatment_days_in_period: 10,
      progress_reports: 0,
      last_progress_report_on: null,
      re_evaluations: 0,
      plateau_pending: true,
      on_hold_reason: null,
      discharged_on: null,
      discharge_reason: null,
      closed_at: null,
      last_event_type: 'ProgressReportDue',
      last_occurred_at: '2025-04-04T12:00:00Z',
      stream_version: events.length,
      department_id: null,
      patient_key: patientKey,
      diagnosis_codes: ['M54.50', 'M62.830'],
    });
  });

  it('given a summary, when the episode is discharged, then it is closed with its reason', () => {
    const open = fold(episodeNeedingAttention('episode-2'));
    const discharged = fold(
      [
        integrationEvent('episode-2', 'ProgressReportRecorded', '2025-04-10T18:00:00Z', {
          reportId: 'r-1',
          reportedOn: '2025-04-10',
          measures: [],
          goals: [],
          treatmentDaysInPeriod: 10,
        }),
        integrationEvent('episode-2', 'EpisodeDischarged', '2025-04-20T18:00:00Z', {
          dischargedOn: '2025-04-20',
          reason: 'goals-met',
          measures: [],
          goals: [],
          sessionsDelivered: 3,
          noShows: 0,
          cancellations: 0,
        }),
      ],
      open,
    );
    expect(discharged).toMatchObject({
      status: 'finished',
      progress_reports: 1,
      last_progress_report_on: '2025-04-10',
      treatment_days_in_period: 0,
      discharged_on: '2025-04-20',
      discharge_reason: 'goals-met',
      closed_at: '2025-04-20T18:00:00Z',
    });
  });

  it('given a referral, when offers are declined and expire and routing escalates, then it counts them and shows the hold', () => {
    const [referral] = episodeNeedingAttention('episode-3');
    const at = '2025-03-02T10:00:00Z';
    const row = fold([
      referral as EpisodeEvent,
      integrationEvent('episode-3', 'TherapistOffered', at, { therapistId: 'therapist-9', expiresAt: at, byLead: false }),
      integrationEvent('episode-3', 'OfferDeclined', at, { therapistId: 'therapist-9' }),
      integrationEvent('episode-3', 'OfferExpired', at, { therapistId: 'therapist-8' }),
      integrationEvent('episode-3', 'RoutingEscalated', at, { reason: 'no-eligible-therapist' }),
      integrationEvent('episode-3', 'EpisodePutOnHold', at, { reason: 'contraindication' }),
    ]);
    expect(row).toMatchObject({
      status: 'onhold',
      on_hold_reason: 'contraindication',
      offers_not_accepted: 2,
      offered_therapist_id: null,
      routing_escalated: true,
      stream_version: 6,
    });
  });

  it('given no referral yet, when another event arrives, then there is no summary', () => {
    const [, offered] = episodeNeedingAttention('episode-4');
    expect(evolveEpisodeSummary(null, offered as EpisodeEvent)).toBeNull();
  });

  it('given events carrying their department, when folded, then the summary keeps the department', () => {
    const referral = integrationEvent(
      'episode-5',
      'ReferralReceived',
      '2025-03-01T09:00:00Z',
      {
        referralId: 'referral-5',
        diagnosisCodes: [],
        referralDate: '2025-03-01',
        validThrough: '2025-05-30',
        referringProviderNpi: '1234567893',
        payerId: 'payer-1',
      },
      'dept-a',
    );
    expect(fold([referral])).toMatchObject({ department_id: 'dept-a' });
  });

  it('lists exactly the columns of its row', () => {
    const row = fold(episodeNeedingAttention('episode-6'));
    expect([...episodeSummaries.columns].sort()).toEqual(Object.keys(row ?? {}).sort());
  });
});
