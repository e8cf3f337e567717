import { certificationDueOn as writtenCertificationDueOn, isBeyondAuthorization, isPastCertifiedPeriod } from '@careflow/domain';
import { columnList } from '@careflow/event-store';
import { certificationAfter, type CertificationStatus } from './certification';
import { departmentOf, occurredOn, oneRowPerEpisode, type EpisodeEvent, type EventData, type ReadModel } from './read-model';

export type ProgressReportStanding = 'not-due' | 'due-soon' | 'due';

export type ReEvaluationReason =
  /** A plateau was detected and the clinician has not decided yet (re-evaluation is one choice). */
  | 'plateau'
  /** The clinician chose to re-evaluate and revise the plan after a plateau. */
  | 'plateau-decision'
  /** The certified period ended; continuing care needs a re-evaluation and recertification. */
  | 'certified-period-ended';

export type UnsignedNote = {
  readonly session_id: string;
  readonly session_date: string;
  readonly recorded_at: string;
  /** Older than the department's signing window (the domain raised NoteSignatureOverdue). */
  readonly overdue: boolean;
};

/** A session recorded out of the bounds the compliance office watches (docs/clinical-rules.md §11). */
export type FlaggedSession = {
  readonly session_id: string;
  readonly session_date: string;
  /** Dated after the certified period's end. */
  readonly past_certified_period: boolean;
  /** Not self-pay, and past the authorized visits or the authorization's end date. */
  readonly beyond_authorization: boolean;
};

/** A KX or targeted-medical-review threshold the patient's year crossed with a session of this episode. */
export type ThresholdCrossed = {
  readonly threshold: EventData<'TherapyThresholdCrossed'>['threshold'];
  readonly payer_id: string;
  readonly year: number;
  readonly session_id: string;
  readonly crossed_on: string;
};

/** One row of episode_worklists: what an episode still needs; the worklist_* views select from it. */
export type EpisodeWorklistRow = {
  readonly episode_id: string;
  readonly therapist_id: string | null;
  readonly open: boolean;
  readonly treatment_days_in_period: number;
  readonly progress_report: ProgressReportStanding;
  readonly first_treatment_on: string | null;
  readonly certification: CertificationStatus;
  readonly certification_due_on: string | null;
  readonly plan_period_end: string | null;
  readonly visits_authorized: number | null;
  readonly authorized_visits_used: number;
  readonly authorization_end_on: string | null;
  readonly authorization_ended: boolean;
  readonly re_evaluation_reason: ReEvaluationReason | null;
  readonly re_evaluation_due_since: string | null;
  readonly unsigned_notes: readonly UnsignedNote[];
  readonly department_id: string | null;
  readonly plateau_pending: boolean;
  readonly plateau_measure: string | null;
  readonly plateau_detected_on: string | null;
  readonly flagged_sessions: readonly FlaggedSession[];
  readonly thresholds_crossed: readonly ThresholdCrossed[];
};

const opened = (event: Extract<EpisodeEvent, { type: 'ReferralReceived' }>): EpisodeWorklistRow => ({
  episode_id: event.data.episodeId,
  therapist_id: null,
  open: true,
  treatment_days_in_period: 0,
  progress_report: 'not-due',
  first_treatment_on: null,
  certification: 'none',
  certification_due_on: null,
  plan_period_end: null,
  visits_authorized: event.data.authorization?.visits ?? null,
  authorized_visits_used: 0,
  authorization_end_on: event.data.authorization?.endDate ?? null,
  authorization_ended: false,
  re_evaluation_reason: null,
  re_evaluation_due_since: null,
  unsigned_notes: [],
  department_id: departmentOf(event),
  plateau_pending: false,
  plateau_measure: null,
  plateau_detected_on: null,
  flagged_sessions: [],
  thresholds_crossed: [],
});

const reEvaluationDue = (reason: ReEvaluationReason, event: EpisodeEvent): Partial<EpisodeWorklistRow> => ({
  re_evaluation_reason: reason,
  re_evaluation_due_since: occurredOn(event),
});

const noReEvaluationDue: Partial<EpisodeWorklistRow> = { re_evaluation_reason: null, re_evaluation_due_since: null };

/** A plateau settled without re-evaluating: a certified period that ended meanwhile still needs one. */
const plateauSettled = (row: EpisodeWorklistRow, event: EpisodeEvent): Partial<EpisodeWorklistRow> =>
  row.certification === 'period-ended'
    ? { re_evaluation_reason: 'certified-period-ended', re_evaluation_due_since: row.plan_period_end ?? occurredOn(event) }
    : noReEvaluationDue;

/** The due date shown while a certification is outstanding, from the deadlines the domain put in its events. */
const certificationDueOn = (row: EpisodeWorklistRow, event: EpisodeEvent): string | null => {
  switch (event.type) {
    case 'PlanOfCareEstablished':
      return row.first_treatment_on === null ? row.certification_due_on : writtenCertificationDueOn(row.first_treatment_on);
    case 'VerbalOrderReceived':
      return event.data.signatureDueOn;
    case 'CertificationDelinquent':
    case 'VerbalOrderDelinquent':
      return event.data.dueOn;
    case 'PlanOfCareCertified':
    case 'VerbalOrderSigned':
    case 'PlanOfCareRecertified':
      return null;
    default:
      return row.certification_due_on;
  }
};

/**
 * The session as the compliance office sees it, judged by the domain's own rules against the row's plan
 * and authorization as they stood before the session, then its visit counted against the authorization.
 */
const sessionRecorded = (row: EpisodeWorklistRow, session: EventData<'SessionRecorded'>): Partial<EpisodeWorklistRow> => {
  const authorization = {
    ...(row.visits_authorized === null ? {} : { visits: row.visits_authorized }),
    ...(row.authorization_end_on === null ? {} : { endDate: row.authorization_end_on }),
  };
  const flagged: FlaggedSession = {
    session_id: session.sessionId,
    session_date: session.date,
    past_certified_period: row.plan_period_end !== null && isPastCertifiedPeriod(row.plan_period_end, session.date),
    beyond_authorization: isBeyondAuthorization(authorization, {
      authorizedVisitsUsed: row.authorized_visits_used,
      sessionDate: session.date,
      selfPay: session.selfPay,
    }),
  };
  const used = row.authorized_visits_used + (session.selfPay ? 0 : 1);
  const known = row.unsigned_notes.some((note) => note.session_id === session.sessionId);
  return {
    treatment_days_in_period: session.treatmentDaysInPeriod,
    authorized_visits_used: used,
    unsigned_notes: known
      ? row.unsigned_notes
      : [
          ...row.unsigned_notes,
          { session_id: session.sessionId, session_date: session.date, recorded_at: session.occurredAt, overdue: false },
        ],
    flagged_sessions:
      flagged.past_certified_period || flagged.beyond_authorization ? [...row.flagged_sessions, flagged] : row.flagged_sessions,
  };
};

const changes = (row: EpisodeWorklistRow, event: EpisodeEvent): Partial<EpisodeWorklistRow> => {
  switch (event.type) {
    case 'OfferAccepted':
      return { therapist_id: event.data.therapistId };
    case 'AssessmentRecorded':
      return { first_treatment_on: event.data.assessedOn };
    case 'PlanOfCareEstablished':
    case 'PlanOfCareRevised':
      return { plan_period_end: event.data.periodEnd };
    case 'PlanOfCareRecertified':
      return {
        plan_period_end: event.data.periodEnd,
        ...(row.re_evaluation_reason === 'certified-period-ended' ? noReEvaluationDue : {}),
      };
    case 'CertifiedPeriodEnded':
      return row.re_evaluation_reason === null ? reEvaluationDue('certified-period-ended', event) : {};
    case 'AuthorizationRecorded':
      return {
        visits_authorized: event.data.authorization.visits ?? null,
        authorization_end_on: event.data.authorization.endDate ?? null,
        authorization_ended: false,
      };
    case 'SessionRecorded':
      return sessionRecorded(row, event.data);
    case 'NoteSigned':
      return { unsigned_notes: row.unsigned_notes.filter((note) => note.session_id !== event.data.sessionId) };
    case 'NoteSignatureOverdue':
      return {
        unsigned_notes: row.unsigned_notes.map((note) => (note.session_id === event.data.sessionId ? { ...note, overdue: true } : note)),
      };
    case 'ProgressReportDueSoon':
      return { progress_report: row.progress_report === 'due' ? 'due' : 'due-soon' };
    case 'ProgressReportDue':
      return { progress_report: 'due' };
    case 'ProgressReportRecorded':
      return { progress_report: 'not-due', treatment_days_in_period: 0 };
    case 'AuthorizationEnded':
      return { authorization_ended: true };
    case 'PlateauDetected':
      return {
        plateau_pending: true,
        plateau_measure: event.data.measure,
        plateau_detected_on: occurredOn(event),
        ...(row.re_evaluation_reason === null ? reEvaluationDue('plateau', event) : {}),
      };
    case 'PlateauDecisionRecorded':
      return {
        plateau_pending: false,
        ...(event.data.decision === 're-evaluate-and-revise'
          ? reEvaluationDue('plateau-decision', event)
          : row.re_evaluation_reason === 'plateau'
            ? plateauSettled(row, event)
            : {}),
      };
    case 'ReevaluationRecorded':
      return noReEvaluationDue;
    case 'TherapyThresholdCrossed':
      return {
        thresholds_crossed: [
          ...row.thresholds_crossed,
          {
            threshold: event.data.threshold,
            payer_id: event.data.payerId,
            year: event.data.year,
            session_id: event.data.sessionId,
            crossed_on: occurredOn(event),
          },
        ],
      };
    case 'EpisodeDischarged':
    case 'EpisodeCancelled':
    case 'ReferralDeclined':
      return { open: false };
    default:
      return {};
  }
};

export const evolveEpisodeWorklist = (row: EpisodeWorklistRow | null, event: EpisodeEvent): EpisodeWorklistRow | null => {
  if (row === null) return event.type === 'ReferralReceived' ? opened(event) : null;
  return {
    ...row,
    ...changes(row, event),
    certification: certificationAfter(row.certification, event),
    certification_due_on: certificationDueOn(row, event),
    department_id: departmentOf(event) ?? row.department_id,
  };
};

/**
 * What each episode still needs (progress reports, certifications, authorizations, re-evaluations,
 * signatures, plateau decisions) and what the compliance office must see (sessions out of bounds,
 * review thresholds crossed).
 */
export const episodeWorklists: ReadModel<EpisodeWorklistRow> = {
  table: 'episode_worklists',
  columns: columnList<EpisodeWorklistRow>()([
    'episode_id',
    'therapist_id',
    'open',
    'treatment_days_in_period',
    'progress_report',
    'first_treatment_on',
    'certification',
    'certification_due_on',
    'plan_period_end',
    'visits_authorized',
    'authorized_visits_used',
    'authorization_end_on',
    'authorization_ended',
    're_evaluation_reason',
    're_evaluation_due_since',
    'unsigned_notes',
    'department_id',
    'plateau_pending',
    'plateau_measure',
    'plateau_detected_on',
    'flagged_sessions',
    'thresholds_crossed',
  ]),
  evolve: oneRowPerEpisode(evolveEpisodeWorklist),
};
