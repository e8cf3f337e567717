import { certificationDueOn as writtenCertificationDueOn } from '@careflow/domain';
import type { RecordedEvent } from '../types';
import { certificationAfter, type CertificationStatus } from './certification';
import { booleanAt, careEpisodeTypeOf, dateAt, numberAt, occurredAt, occurredOn, textAt } from './event-fields';
import { columnList, type Projection } from './projection';

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
  readonly session_date: string | null;
  readonly recorded_at: string;
  /** Older than the department's signing window (the domain raised NoteSignatureOverdue). */
  readonly overdue: boolean;
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
};

const opened = (event: RecordedEvent): EpisodeWorklistRow => ({
  episode_id: event.streamId,
  therapist_id: null,
  open: true,
  treatment_days_in_period: 0,
  progress_report: 'not-due',
  first_treatment_on: null,
  certification: 'none',
  certification_due_on: null,
  plan_period_end: null,
  visits_authorized: numberAt(event, 'referral', 'authorization', 'visits'),
  authorized_visits_used: 0,
  authorization_end_on: dateAt(event, 'referral', 'authorization', 'endDate'),
  authorization_ended: false,
  re_evaluation_reason: null,
  re_evaluation_due_since: null,
  unsigned_notes: [],
});

const reEvaluationDue = (reason: ReEvaluationReason, event: RecordedEvent): Partial<EpisodeWorklistRow> => ({
  re_evaluation_reason: reason,
  re_evaluation_due_since: occurredOn(event),
});

const noReEvaluationDue: Partial<EpisodeWorklistRow> = { re_evaluation_reason: null, re_evaluation_due_since: null };

/** A plateau settled without re-evaluating: a certified period that ended meanwhile still needs one. */
const plateauSettled = (row: EpisodeWorklistRow, event: RecordedEvent): Partial<EpisodeWorklistRow> =>
  row.certification === 'period-ended'
    ? { re_evaluation_reason: 'certified-period-ended', re_evaluation_due_since: row.plan_period_end ?? occurredOn(event) }
    : noReEvaluationDue;

/** The due date shown while a certification is outstanding, from the deadlines the domain put in its events. */
const certificationDueOn = (row: EpisodeWorklistRow, event: RecordedEvent): string | null => {
  switch (careEpisodeTypeOf(event)) {
    case 'PlanOfCareEstablished':
      return row.first_treatment_on === null ? row.certification_due_on : writtenCertificationDueOn(row.first_treatment_on);
    case 'VerbalOrderReceived':
      return dateAt(event, 'signatureDueOn');
    case 'CertificationDelinquent':
    case 'VerbalOrderDelinquent':
      return dateAt(event, 'dueOn') ?? row.certification_due_on;
    case 'PlanOfCareCertified':
    case 'VerbalOrderSigned':
    case 'PlanOfCareRecertified':
      return null;
    default:
      return row.certification_due_on;
  }
};

const changes = (row: EpisodeWorklistRow, event: RecordedEvent): Partial<EpisodeWorklistRow> => {
  switch (careEpisodeTypeOf(event)) {
    case 'OfferAccepted':
      return { therapist_id: textAt(event, 'therapistId') };
    case 'AssessmentRecorded':
      return { first_treatment_on: dateAt(event, 'assessment', 'assessedOn') ?? occurredOn(event) };
    case 'PlanOfCareEstablished':
    case 'PlanOfCareRevised':
      return { plan_period_end: dateAt(event, 'periodEnd') ?? row.plan_period_end };
    case 'PlanOfCareRecertified':
      return {
        plan_period_end: dateAt(event, 'periodEnd') ?? row.plan_period_end,
        ...(row.re_evaluation_reason === 'certified-period-ended' ? noReEvaluationDue : {}),
      };
    case 'CertifiedPeriodEnded':
      return row.re_evaluation_reason === null ? reEvaluationDue('certified-period-ended', event) : {};
    case 'SessionRecorded': {
      const sessionId = textAt(event, 'sessionId');
      const selfPay = booleanAt(event, 'session', 'selfPay') === true;
      return {
        treatment_days_in_period: numberAt(event, 'treatmentDaysInPeriod') ?? row.treatment_days_in_period,
        authorized_visits_used: row.authorized_visits_used + (selfPay ? 0 : 1),
        unsigned_notes:
          sessionId === null || row.unsigned_notes.some((note) => note.session_id === sessionId)
            ? row.unsigned_notes
            : [
                ...row.unsigned_notes,
                { session_id: sessionId, session_date: dateAt(event, 'session', 'date'), recorded_at: occurredAt(event), overdue: false },
              ],
      };
    }
    case 'NoteSigned':
      return { unsigned_notes: row.unsigned_notes.filter((note) => note.session_id !== textAt(event, 'sessionId')) };
    case 'NoteSignatureOverdue':
      return {
        unsigned_notes: row.unsigned_notes.map((note) =>
          note.session_id === textAt(event, 'sessionId') ? { ...note, overdue: true } : note,
        ),
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
      return row.re_evaluation_reason === null ? reEvaluationDue('plateau', event) : {};
    case 'PlateauDecisionRecorded':
      return textAt(event, 'decision') === 're-evaluate-and-revise'
        ? reEvaluationDue('plateau-decision', event)
        : row.re_evaluation_reason === 'plateau'
          ? plateauSettled(row, event)
          : {};
    case 'ReevaluationRecorded':
      return noReEvaluationDue;
    case 'EpisodeDischarged':
    case 'EpisodeCancelled':
    case 'ReferralDeclined':
      return { open: false };
    default:
      return {};
  }
};

export const evolveEpisodeWorklist = (row: EpisodeWorklistRow | null, event: RecordedEvent): EpisodeWorklistRow | null => {
  if (row === null) return event.type === 'ReferralReceived' ? opened(event) : null;
  return {
    ...row,
    ...changes(row, event),
    certification: certificationAfter(row.certification, event),
    certification_due_on: certificationDueOn(row, event),
  };
};

/** What each open episode still needs: progress reports, certifications, authorizations, re-evaluations, signatures. */
export const worklistProjection: Projection<EpisodeWorklistRow> = {
  name: 'worklists',
  table: 'episode_worklists',
  keyColumn: 'episode_id',
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
  ]),
  keyOf: (event) => event.streamId,
  evolve: evolveEpisodeWorklist,
};
