import type { EpisodeStatus } from '@careflow/domain';
import type { RecordedEvent } from '../types';
import { certificationAfter, type CertificationStatus } from './certification';
import { careEpisodeTypeOf, dateAt, numberAt, occurredAt, occurredOn, textAt } from './event-fields';
import { columnList, type Projection } from './projection';

/** The domain's FHIR EpisodeOfCare statuses; a summary exists from the referral on. */
export type EpisodeSummaryStatus = Exclude<EpisodeStatus, 'none'>;

/** One row of episode_summaries: where an episode stands, without patient identifiers. */
export type EpisodeSummaryRow = {
  readonly episode_id: string;
  readonly status: EpisodeSummaryStatus;
  readonly referral_id: string | null;
  readonly payer_id: string | null;
  readonly referral_date: string | null;
  readonly referral_valid_through: string | null;
  readonly priority: string | null;
  readonly offered_therapist_id: string | null;
  readonly therapist_id: string | null;
  readonly offers_not_accepted: number;
  readonly routing_escalated: boolean;
  readonly intake_recorded_at: string | null;
  readonly assessed_on: string | null;
  readonly plan_version: number | null;
  readonly certification_status: CertificationStatus;
  readonly plan_period_start: string | null;
  readonly plan_period_end: string | null;
  readonly visits_delivered: number;
  readonly visits_missed: number;
  readonly last_session_on: string | null;
  readonly treatment_days_in_period: number;
  readonly progress_reports: number;
  readonly last_progress_report_on: string | null;
  readonly re_evaluations: number;
  readonly plateau_pending: boolean;
  readonly on_hold_reason: string | null;
  readonly discharged_on: string | null;
  readonly discharge_reason: string | null;
  readonly closed_at: string | null;
  readonly last_event_type: string;
  readonly last_occurred_at: string;
  readonly stream_version: number;
};

const opened = (event: RecordedEvent): EpisodeSummaryRow => ({
  episode_id: event.streamId,
  status: 'planned',
  referral_id: textAt(event, 'referral', 'referralId'),
  payer_id: textAt(event, 'referral', 'payer', 'payerId'),
  referral_date: dateAt(event, 'referral', 'referralDate'),
  referral_valid_through: dateAt(event, 'validThrough'),
  priority: textAt(event, 'referral', 'priority') ?? 'routine',
  offered_therapist_id: null,
  therapist_id: null,
  offers_not_accepted: 0,
  routing_escalated: false,
  intake_recorded_at: null,
  assessed_on: null,
  plan_version: null,
  certification_status: 'none',
  plan_period_start: null,
  plan_period_end: null,
  visits_delivered: 0,
  visits_missed: 0,
  last_session_on: null,
  treatment_days_in_period: 0,
  progress_reports: 0,
  last_progress_report_on: null,
  re_evaluations: 0,
  plateau_pending: false,
  on_hold_reason: null,
  discharged_on: null,
  discharge_reason: null,
  closed_at: null,
  last_event_type: event.type,
  last_occurred_at: occurredAt(event),
  stream_version: event.streamVersion,
});

const later = (a: string | null, b: string | null): string | null => (a === null ? b : b === null || a >= b ? a : b);

/** The row's fields an event changes (before the bookkeeping every event gets); statuses as the domain's evolve sets them. */
const changes = (row: EpisodeSummaryRow, event: RecordedEvent): Partial<EpisodeSummaryRow> => {
  switch (careEpisodeTypeOf(event)) {
    case 'ReferralRouted':
      return { status: 'waitlist' };
    case 'TherapistOffered':
      return { offered_therapist_id: textAt(event, 'therapistId') };
    case 'OfferAccepted':
      return { therapist_id: textAt(event, 'therapistId'), offered_therapist_id: null, status: 'active' };
    case 'OfferDeclined':
    case 'OfferExpired':
      return { offered_therapist_id: null, offers_not_accepted: row.offers_not_accepted + 1 };
    case 'RoutingEscalated':
      return { routing_escalated: true };
    case 'IntakeRecorded':
      return { intake_recorded_at: occurredAt(event) };
    case 'EpisodePutOnHold':
      return { status: 'onhold', on_hold_reason: textAt(event, 'reason') };
    case 'EpisodeResumed':
      return { status: 'active', on_hold_reason: null };
    case 'AssessmentRecorded':
      return { assessed_on: dateAt(event, 'assessment', 'assessedOn') ?? occurredOn(event) };
    case 'PlanOfCareEstablished':
    case 'PlanOfCareRecertified':
      return {
        plan_version: numberAt(event, 'version') ?? row.plan_version,
        plan_period_start: dateAt(event, 'periodStart') ?? row.plan_period_start,
        plan_period_end: dateAt(event, 'periodEnd') ?? row.plan_period_end,
      };
    case 'PlanOfCareRevised':
      return {
        plan_version: numberAt(event, 'version') ?? row.plan_version,
        plan_period_end: dateAt(event, 'periodEnd') ?? row.plan_period_end,
      };
    case 'SessionRecorded':
      return {
        visits_delivered: numberAt(event, 'visitNumber') ?? row.visits_delivered + 1,
        last_session_on: later(row.last_session_on, dateAt(event, 'session', 'date')),
        treatment_days_in_period: numberAt(event, 'treatmentDaysInPeriod') ?? row.treatment_days_in_period,
      };
    case 'SessionCancelled':
    case 'NoShowRecorded':
      return { visits_missed: row.visits_missed + 1 };
    case 'ProgressReportRecorded':
      return {
        progress_reports: row.progress_reports + 1,
        last_progress_report_on: dateAt(event, 'reportedOn') ?? occurredOn(event),
        treatment_days_in_period: 0,
      };
    case 'PlateauDetected':
      return { plateau_pending: true };
    case 'PlateauDecisionRecorded':
      return { plateau_pending: false };
    case 'ReevaluationRecorded':
      return { re_evaluations: row.re_evaluations + 1 };
    case 'EpisodeDischarged':
      return {
        status: 'finished',
        discharged_on: dateAt(event, 'dischargedOn') ?? occurredOn(event),
        discharge_reason: textAt(event, 'reason'),
        closed_at: occurredAt(event),
      };
    case 'EpisodeCancelled':
    case 'ReferralDeclined':
      return { status: 'cancelled', closed_at: occurredAt(event) };
    default:
      return {};
  }
};

export const evolveEpisodeSummary = (row: EpisodeSummaryRow | null, event: RecordedEvent): EpisodeSummaryRow | null => {
  if (row === null) return event.type === 'ReferralReceived' ? opened(event) : null;
  return {
    ...row,
    ...changes(row, event),
    certification_status: certificationAfter(row.certification_status, event),
    last_event_type: event.type,
    last_occurred_at: occurredAt(event),
    stream_version: event.streamVersion,
  };
};

/**
 * Episode summaries, one row per episode (stream). An episode's events before its ReferralReceived
 * (none in practice) are ignored, as are event types it does not know.
 */
export const episodeSummaryProjection: Projection<EpisodeSummaryRow> = {
  name: 'episode-summaries',
  table: 'episode_summaries',
  keyColumn: 'episode_id',
  columns: columnList<EpisodeSummaryRow>()([
    'episode_id',
    'status',
    'referral_id',
    'payer_id',
    'referral_date',
    'referral_valid_through',
    'priority',
    'offered_therapist_id',
    'therapist_id',
    'offers_not_accepted',
    'routing_escalated',
    'intake_recorded_at',
    'assessed_on',
    'plan_version',
    'certification_status',
    'plan_period_start',
    'plan_period_end',
    'visits_delivered',
    'visits_missed',
    'last_session_on',
    'treatment_days_in_period',
    'progress_reports',
    'last_progress_report_on',
    're_evaluations',
    'plateau_pending',
    'on_hold_reason',
    'discharged_on',
    'discharge_reason',
    'closed_at',
    'last_event_type',
    'last_occurred_at',
    'stream_version',
  ]),
  keyOf: (event) => event.streamId,
  evolve: evolveEpisodeSummary,
};
