import { asRecorded, dischargedEpisode, episodeNeedingAttention } from '../testing/episode-events';
import type { RecordedEvent } from '../types';
import { episodeSummaryProjection, evolveEpisodeSummary, type EpisodeSummaryRow } from './episode-summary';

const fold = (events: readonly RecordedEvent[]): EpisodeSummaryRow | null =>
  events.reduce<EpisodeSummaryRow | null>((row, event) => evolveEpisodeSummary(row, event), null);

describe('episode summary', () => {
  it('follows an episode from referral through sessions, holding no patient identifiers', () => {
    const events = asRecorded('episode-1', episodeNeedingAttention('episode-1'));
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
    });
  });

  it('closes a discharged episode with its reason', () => {
    const row = fold(asRecorded('episode-2', dischargedEpisode('episode-2')));
    expect(row).toMatchObject({
      status: 'finished',
      certification_status: 'certified',
      progress_reports: 1,
      last_progress_report_on: '2025-02-20',
      treatment_days_in_period: 0,
      discharged_on: '2025-03-01',
      discharge_reason: 'goals-met',
      closed_at: '2025-03-01T10:00:00Z',
    });
  });

  it('counts offers not accepted and shows the hold', () => {
    const [referral] = asRecorded('episode-3', episodeNeedingAttention('episode-3'));
    const later = (type: string, data: RecordedEvent['data'], version: number): RecordedEvent => ({
      ...(referral as RecordedEvent),
      type,
      data,
      streamVersion: version,
    });
    const row = fold([
      referral as RecordedEvent,
      later('TherapistOffered', { therapistId: 'therapist-9' }, 2),
      later('OfferDeclined', { therapistId: 'therapist-9' }, 3),
      later('OfferExpired', { therapistId: 'therapist-8' }, 4),
      later('RoutingEscalated', { reason: 'no-eligible-therapist' }, 5),
      later('EpisodePutOnHold', { reason: 'contraindication' }, 6),
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

  it('ignores events before the referral and fields of the wrong shape', () => {
    const [referral, ...rest] = asRecorded('episode-4', episodeNeedingAttention('episode-4'));
    expect(evolveEpisodeSummary(null, rest[0] as RecordedEvent)).toBeNull();
    const odd = { ...(rest[6] as RecordedEvent), data: { sessionId: 7, session: 'yesterday', visitNumber: 'two' } };
    const row = evolveEpisodeSummary(evolveEpisodeSummary(null, referral as RecordedEvent), odd);
    expect(row).toMatchObject({ visits_delivered: 1, last_session_on: null });
  });

  it('reads a date that is not on the calendar as absent, so PostgreSQL never refuses the batch', () => {
    const [referral, ...rest] = asRecorded('episode-6', episodeNeedingAttention('episode-6'));
    const session = rest[6] as RecordedEvent;
    const impossible = { ...session, data: { ...session.data, session: { date: '2025-02-30' } } };
    const row = evolveEpisodeSummary(evolveEpisodeSummary(null, referral as RecordedEvent), impossible);
    expect(row).toMatchObject({ visits_delivered: 1, last_session_on: null });
  });

  it('lists exactly the columns of its row', () => {
    const row = fold(asRecorded('episode-5', episodeNeedingAttention('episode-5')));
    expect([...episodeSummaryProjection.columns].sort()).toEqual(Object.keys(row ?? {}).sort());
  });
});
