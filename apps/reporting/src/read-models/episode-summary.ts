import type { EpisodeStatus } from '@careflow/domain';
import { columnList } from '@careflow/event-store';
import { certificationAfter, type CertificationStatus } from './certification';
import { departmentOf, laterDate, oneRowPerEpisode, type EpisodeEvent, type ReadModel } from './read-model';

/** The domain's FHIR EpisodeOfCare statuses; a summary exists from the referral on. */
export type EpisodeSummaryStatus = Exclude<EpisodeStatus, 'none'>;

/** One row of episode_summaries: where an episode stands, without patient identifiers (docs/reporting.md). */
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
  readonly department_id: string | null;
  readonly patient_key: string;
  readonly diagnosis_codes: readonly string[];
};

const opened = (event: Extract<EpisodeEvent, { type: 'ReferralReceived' }>): EpisodeSummaryRow => ({
  episode_id: event.data.episodeId,
  status: 'planned',
  referral_id: event.data.referralId,
  payer_id: event.data.payerId,
  referral_date: event.data.referralDate,
  referral_valid_through: event.data.validThrough,
  priority: event.data.priority ?? 'routine',
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
  last_occurred_at: event.data.occurredAt,
  stream_version: 1,
  department_id: departmentOf(event),
  patient_key: event.data.patientKey,
  diagnosis_codes: [...event.data.diagnosisCodes],
});

/** The row's fields an event changes (before the bookkeeping every event gets); statuses as the domain's evolve sets them. */
const changes = (row: EpisodeSummaryRow, event: EpisodeEvent): Partial<EpisodeSummaryRow> => {
  switch (event.type) {
    case 'ReferralRouted':
      return { status: 'waitlist' };
    case 'TherapistOffered':
      return { offered_therapist_id: event.data.therapistId };
    case 'OfferAccepted':
      return { therapist_id: event.data.therapistId, offered_therapist_id: null, status: 'active' };
    case 'OfferDeclined':
    case 'OfferExpired':
      return { offered_therapist_id: null, offers_not_accepted: row.offers_not_accepted + 1 };
    case 'RoutingEscalated':
      return { routing_escalated: true };
    case 'IntakeRecorded':
      return { intake_recorded_at: event.data.occurredAt };
    case 'EpisodePutOnHold':
      return { status: 'onhold', on_hold_reason: event.data.reason };
    case 'EpisodeResumed':
      return { status: 'active', on_hold_reason: null };
    case 'AssessmentRecorded':
      return { assessed_on: event.data.assessedOn };
    case 'PlanOfCareEstablished':
      return { plan_version: event.data.planVersion, plan_period_start: event.data.periodStart, plan_period_end: event.data.periodEnd };
    case 'PlanOfCareRecertified':
      return { plan_period_start: event.data.periodStart, plan_period_end: event.data.periodEnd };
    case 'PlanOfCareRevised':
      return { plan_version: event.data.planVersion, plan_period_end: event.data.periodEnd };
    case 'SessionRecorded':
      return {
        visits_delivered: event.data.visitNumber,
        last_session_on: laterDate(row.last_session_on, event.data.date),
        treatment_days_in_period: event.data.treatmentDaysInPeriod,
      };
    case 'SessionCancelled':
    case 'NoShowRecorded':
      return { visits_missed: row.visits_missed + 1 };
    case 'ProgressReportRecorded':
      return { progress_reports: row.progress_reports + 1, last_progress_report_on: event.data.reportedOn, treatment_days_in_period: 0 };
    case 'PlateauDetected':
      return { plateau_pending: true };
    case 'PlateauDecisionRecorded':
      return { plateau_pending: false };
    case 'ReevaluationRecorded':
      return { re_evaluations: row.re_evaluations + 1 };
    case 'EpisodeDischarged':
      return {
        status: 'finished',
        discharged_on: event.data.dischargedOn,
        discharge_reason: event.data.reason,
        closed_at: event.data.occurredAt,
      };
    case 'EpisodeCancelled':
    case 'ReferralDeclined':
      return { status: 'cancelled', closed_at: event.data.occurredAt };
    default:
      return {};
  }
};

export const evolveEpisodeSummary = (row: EpisodeSummaryRow | null, event: EpisodeEvent): EpisodeSummaryRow | null => {
  if (row === null) return event.type === 'ReferralReceived' ? opened(event) : null;
  return {
    ...row,
    ...changes(row, event),
    certification_status: certificationAfter(row.certification_status, event),
    department_id: departmentOf(event) ?? row.department_id,
    last_event_type: event.type,
    last_occurred_at: event.data.occurredAt,
    // Every stored care-episode event is published, so the count of events folded is the stream version.
    stream_version: row.stream_version + 1,
  };
};

/**
 * Episode summaries, one row per episode. An episode's events before its ReferralReceived (none in
 * practice: the relay cannot publish them without the patient key) are ignored.
 */
export const episodeSummaries: ReadModel<EpisodeSummaryRow> = {
  table: 'episode_summaries',
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
    'department_id',
    'patient_key',
    'diagnosis_codes',
  ]),
  evolve: oneRowPerEpisode(evolveEpisodeSummary),
};
