import { daysBetween } from '@careflow/domain';
import { columnList } from '@careflow/event-store';
import { departmentOf, earlierDate, occurredOn, oneRowPerEpisode, type EpisodeEvent, type ReadModel } from './read-model';

/** One row of episode_operations: how the department ran the episode (docs/reporting.md). */
export type EpisodeOperationsRow = {
  readonly episode_id: string;
  readonly department_id: string | null;
  readonly referral_date: string;
  readonly first_visit_on: string | null;
  readonly referral_to_first_visit_days: number | null;
  readonly offers_made: number;
  readonly offers_declined: number;
  readonly offers_expired: number;
  readonly escalations: number;
  readonly visits_delivered: number;
  readonly no_shows: number;
  readonly cancellations_by_patient: number;
  readonly cancellations_by_clinic: number;
  readonly discharge_reason: string | null;
  readonly discharged_on: string | null;
  readonly cancelled_on: string | null;
};

const opened = (event: Extract<EpisodeEvent, { type: 'ReferralReceived' }>): EpisodeOperationsRow => ({
  episode_id: event.data.episodeId,
  department_id: departmentOf(event),
  referral_date: event.data.referralDate,
  first_visit_on: null,
  referral_to_first_visit_days: null,
  offers_made: 0,
  offers_declined: 0,
  offers_expired: 0,
  escalations: 0,
  visits_delivered: 0,
  no_shows: 0,
  cancellations_by_patient: 0,
  cancellations_by_clinic: 0,
  discharge_reason: null,
  discharged_on: null,
  cancelled_on: null,
});

/** The patient was seen on `date` (the evaluation or a session): the first such day starts care. */
const seen = (row: EpisodeOperationsRow, date: string): Partial<EpisodeOperationsRow> => {
  const first = earlierDate(row.first_visit_on, date);
  return first === row.first_visit_on
    ? {}
    : { first_visit_on: first, referral_to_first_visit_days: first === null ? null : daysBetween(row.referral_date, first) };
};

const changes = (row: EpisodeOperationsRow, event: EpisodeEvent): Partial<EpisodeOperationsRow> | null => {
  switch (event.type) {
    case 'TherapistOffered':
      return { offers_made: row.offers_made + 1 };
    case 'OfferDeclined':
      return { offers_declined: row.offers_declined + 1 };
    case 'OfferExpired':
      return { offers_expired: row.offers_expired + 1 };
    case 'RoutingEscalated':
      return { escalations: row.escalations + 1 };
    case 'AssessmentRecorded':
      return seen(row, event.data.assessedOn);
    case 'SessionRecorded':
      return { ...seen(row, event.data.date), visits_delivered: event.data.visitNumber };
    case 'NoShowRecorded':
      return { no_shows: row.no_shows + 1 };
    case 'SessionCancelled':
      return event.data.cancelledBy === 'patient'
        ? { cancellations_by_patient: row.cancellations_by_patient + 1 }
        : { cancellations_by_clinic: row.cancellations_by_clinic + 1 };
    case 'EpisodeDischarged':
      return { discharge_reason: event.data.reason, discharged_on: event.data.dischargedOn };
    case 'EpisodeCancelled':
    case 'ReferralDeclined':
      return { cancelled_on: occurredOn(event) };
    default:
      return null;
  }
};

export const evolveEpisodeOperations = (row: EpisodeOperationsRow | null, event: EpisodeEvent): EpisodeOperationsRow | null => {
  if (row === null) return event.type === 'ReferralReceived' ? opened(event) : null;
  const changed = changes(row, event);
  const departmentId = departmentOf(event) ?? row.department_id;
  if (changed === null && departmentId === row.department_id) return row;
  return { ...row, ...changed, department_id: departmentId };
};

/** Operations per episode: time to first visit, offers and escalations, visits, no-shows, cancellations, discharge. */
export const episodeOperations: ReadModel<EpisodeOperationsRow> = {
  table: 'episode_operations',
  columns: columnList<EpisodeOperationsRow>()([
    'episode_id',
    'department_id',
    'referral_date',
    'first_visit_on',
    'referral_to_first_visit_days',
    'offers_made',
    'offers_declined',
    'offers_expired',
    'escalations',
    'visits_delivered',
    'no_shows',
    'cancellations_by_patient',
    'cancellations_by_clinic',
    'discharge_reason',
    'discharged_on',
    'cancelled_on',
  ]),
  evolve: oneRowPerEpisode(evolveEpisodeOperations),
};
