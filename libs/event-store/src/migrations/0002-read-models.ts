import type { Migration } from './migration';

/**
 * Read models kept by the projections in ../projections. Ids, dates and counts only: no patient
 * identifiers or note text (reporting and worklists need none).
 */
export const readModelsMigration: Migration = {
  version: 2,
  name: 'episode summaries and worklists',
  sql: /* sql */ `
CREATE TABLE episode_summaries (
  episode_id               text PRIMARY KEY,
  status                   text NOT NULL,
  referral_id              text,
  payer_id                 text,
  referral_date            date,
  referral_valid_through   date,
  priority                 text,
  offered_therapist_id     text,
  therapist_id             text,
  offers_not_accepted      integer NOT NULL,
  routing_escalated        boolean NOT NULL,
  intake_recorded_at       timestamptz,
  assessed_on              date,
  plan_version             integer,
  certification_status     text NOT NULL,
  plan_period_start        date,
  plan_period_end          date,
  visits_delivered         integer NOT NULL,
  visits_missed            integer NOT NULL,
  last_session_on          date,
  treatment_days_in_period integer NOT NULL,
  progress_reports         integer NOT NULL,
  last_progress_report_on  date,
  re_evaluations           integer NOT NULL,
  plateau_pending          boolean NOT NULL,
  on_hold_reason           text,
  discharged_on            date,
  discharge_reason         text,
  closed_at                timestamptz,
  last_event_type          text NOT NULL,
  last_occurred_at         timestamptz NOT NULL,
  stream_version           integer NOT NULL
);

CREATE INDEX episode_summaries_therapist_idx ON episode_summaries (therapist_id, status);

CREATE TABLE episode_worklists (
  episode_id               text PRIMARY KEY,
  therapist_id             text,
  open                     boolean NOT NULL,
  treatment_days_in_period integer NOT NULL,
  progress_report          text NOT NULL,
  first_treatment_on       date,
  certification            text NOT NULL,
  certification_due_on     date,
  plan_period_end     date,
  visits_authorized        integer,
  authorized_visits_used   integer NOT NULL,
  authorization_end_on     date,
  authorization_ended      boolean NOT NULL,
  re_evaluation_reason     text,
  re_evaluation_due_since  date,
  -- [{session_id, session_date, recorded_at, overdue}] of sessions whose note is not signed yet
  unsigned_notes           jsonb NOT NULL
);

CREATE INDEX episode_worklists_open_idx ON episode_worklists (therapist_id) WHERE open;

CREATE VIEW worklist_progress_reports_due AS
  SELECT episode_id, therapist_id, treatment_days_in_period, progress_report = 'due' AS overdue
  FROM episode_worklists
  WHERE open AND progress_report <> 'not-due';

CREATE VIEW worklist_certifications_due AS
  SELECT episode_id, therapist_id, certification, certification_due_on, plan_period_end,
         certification = 'delinquent' AS delinquent
  FROM episode_worklists
  WHERE open AND certification NOT IN ('none', 'certified');

-- Low: two visits or fewer left, or the authorization ends within a week.
CREATE VIEW worklist_authorizations_low AS
  SELECT episode_id, therapist_id, visits_authorized, authorized_visits_used,
         visits_authorized - authorized_visits_used AS visits_remaining, authorization_end_on,
         authorization_ended OR coalesce(visits_authorized - authorized_visits_used <= 0, false) AS exhausted
  FROM episode_worklists
  WHERE open AND (authorization_ended
                  OR visits_authorized - authorized_visits_used <= 2
                  OR authorization_end_on <= current_date + 7);

CREATE VIEW worklist_re_evaluations_due AS
  SELECT episode_id, therapist_id, re_evaluation_reason, re_evaluation_due_since
  FROM episode_worklists
  WHERE open AND re_evaluation_reason IS NOT NULL;

-- Signed notes are locked and unsigned ones stay listed after discharge: they still need signing.
CREATE VIEW worklist_unsigned_notes AS
  SELECT w.episode_id, w.therapist_id, n.session_id, n.session_date, n.recorded_at, n.overdue
  FROM episode_worklists w
  CROSS JOIN LATERAL jsonb_to_recordset(w.unsigned_notes)
    AS n(session_id text, session_date date, recorded_at timestamptz, overdue boolean);
`,
};

export const readModelTables: readonly string[] = ['episode_summaries', 'episode_worklists'];

export const worklistViews: readonly string[] = [
  'worklist_progress_reports_due',
  'worklist_certifications_due',
  'worklist_authorizations_low',
  'worklist_re_evaluations_due',
  'worklist_unsigned_notes',
];
