import type { Migration } from './migration';

/**
 * The reporting read models (apps/reporting, docs/reporting.md): folded from integration events, so
 * de-identified by construction: ids, codes, dates, counts and measure values, the pseudonymous
 * patient key and no direct identifier. episode_summaries and episode_worklists (migration 2) keep
 * their names and columns; routing counts caseloads from episode_summaries.
 */
export const reportingMigration: Migration = {
  version: 7,
  name: 'reporting read models',
  sql: /* sql */ `
ALTER TABLE episode_summaries
  ADD COLUMN department_id   text,
  ADD COLUMN patient_key     text,
  ADD COLUMN diagnosis_codes text[] NOT NULL DEFAULT '{}';
CREATE INDEX episode_summaries_department_idx ON episode_summaries (department_id, status);

ALTER TABLE episode_worklists
  ADD COLUMN department_id       text,
  ADD COLUMN plateau_pending     boolean NOT NULL DEFAULT false,
  ADD COLUMN plateau_measure     text,
  ADD COLUMN plateau_detected_on date,
  -- [{session_id, session_date, past_certified_period, beyond_authorization}] of sessions recorded out of bounds
  ADD COLUMN flagged_sessions    jsonb NOT NULL DEFAULT '[]',
  -- [{threshold, payer_id, year, session_id, crossed_on}] of the patient's therapy thresholds this episode crossed
  ADD COLUMN thresholds_crossed  jsonb NOT NULL DEFAULT '[]';

-- Migration 2's views gain department_id (a view can only grow at its end).
CREATE OR REPLACE VIEW worklist_progress_reports_due AS
  SELECT episode_id, therapist_id, treatment_days_in_period, progress_report = 'due' AS overdue, department_id
  FROM episode_worklists
  WHERE open AND progress_report <> 'not-due';

CREATE OR REPLACE VIEW worklist_certifications_due AS
  SELECT episode_id, therapist_id, certification, certification_due_on, plan_period_end,
         certification = 'delinquent' AS delinquent, department_id
  FROM episode_worklists
  WHERE open AND certification NOT IN ('none', 'certified');

CREATE OR REPLACE VIEW worklist_authorizations_low AS
  SELECT episode_id, therapist_id, visits_authorized, authorized_visits_used,
         visits_authorized - authorized_visits_used AS visits_remaining, authorization_end_on,
         authorization_ended OR coalesce(visits_authorized - authorized_visits_used <= 0, false) AS exhausted,
         department_id
  FROM episode_worklists
  WHERE open AND (authorization_ended
                  OR visits_authorized - authorized_visits_used <= 2
                  OR authorization_end_on <= current_date + 7);

CREATE OR REPLACE VIEW worklist_re_evaluations_due AS
  SELECT episode_id, therapist_id, re_evaluation_reason, re_evaluation_due_since, department_id
  FROM episode_worklists
  WHERE open AND re_evaluation_reason IS NOT NULL;

CREATE OR REPLACE VIEW worklist_unsigned_notes AS
  SELECT w.episode_id, w.therapist_id, n.session_id, n.session_date, n.recorded_at, n.overdue, w.department_id
  FROM episode_worklists w
  CROSS JOIN LATERAL jsonb_to_recordset(w.unsigned_notes)
    AS n(session_id text, session_date date, recorded_at timestamptz, overdue boolean);

CREATE VIEW worklist_plateau_decisions_pending AS
  SELECT episode_id, therapist_id, plateau_measure, plateau_detected_on, department_id
  FROM episode_worklists
  WHERE open AND plateau_pending;

-- Out-of-bounds sessions stay listed after discharge: they are findings for the compliance office.
CREATE VIEW worklist_sessions_past_certified_period AS
  SELECT w.episode_id, w.therapist_id, s.session_id, s.session_date, w.plan_period_end, w.department_id
  FROM episode_worklists w
  CROSS JOIN LATERAL jsonb_to_recordset(w.flagged_sessions)
    AS s(session_id text, session_date date, past_certified_period boolean, beyond_authorization boolean)
  WHERE s.past_certified_period;

CREATE VIEW worklist_sessions_beyond_authorization AS
  SELECT w.episode_id, w.therapist_id, s.session_id, s.session_date, w.visits_authorized, w.authorization_end_on,
         w.department_id
  FROM episode_worklists w
  CROSS JOIN LATERAL jsonb_to_recordset(w.flagged_sessions)
    AS s(session_id text, session_date date, past_certified_period boolean, beyond_authorization boolean)
  WHERE s.beyond_authorization;

CREATE VIEW worklist_review_thresholds_crossed AS
  SELECT w.episode_id, w.therapist_id, t.payer_id, t.year, t.session_id, t.crossed_on, w.department_id
  FROM episode_worklists w
  CROSS JOIN LATERAL jsonb_to_recordset(w.thresholds_crossed)
    AS t(threshold text, payer_id text, year integer, session_id text, crossed_on date)
  WHERE t.threshold = 'targeted-medical-review';

-- Routing counts the same caseload (active and on hold) from episode_summaries directly.
CREATE VIEW therapist_caseloads AS
  SELECT therapist_id, department_id,
         count(*) FILTER (WHERE status IN ('active', 'onhold'))::integer AS active_episodes,
         count(*) FILTER (WHERE status = 'onhold')::integer AS on_hold_episodes,
         count(*) FILTER (WHERE status = 'finished')::integer AS discharged_episodes,
         coalesce(sum(visits_delivered) FILTER (WHERE status IN ('active', 'onhold')), 0)::integer AS open_episode_visits
  FROM episode_summaries
  WHERE therapist_id IS NOT NULL
  GROUP BY therapist_id, department_id;

CREATE TABLE episode_outcomes (
  episode_id    text NOT NULL,
  measure       text NOT NULL,
  baseline      numeric,
  baseline_on   date,
  latest        numeric,
  latest_on     date,
  at_discharge  numeric,
  discharged_on date,
  -- Latest (at discharge: discharge) against baseline, positive is better (the domain's improvement).
  improvement   numeric,
  -- The measure's MCID in the episode's department (the domain's mcidOf).
  mcid          numeric,
  -- improvement >= mcid; at discharge the domain's own clinicallyImportant.
  mcid_attained boolean,
  PRIMARY KEY (episode_id, measure)
);

-- Diagnosis group: the ICD-10-CM category (first three characters) of the referral's first diagnosis.
CREATE VIEW outcomes_by_therapist AS
  SELECT s.therapist_id, s.department_id, o.measure,
         count(*)::integer AS episodes_measured,
         count(*) FILTER (WHERE o.mcid_attained)::integer AS episodes_attained,
         round(avg(o.mcid_attained::integer), 3) AS attainment_rate,
         round(avg(o.improvement), 3) AS mean_improvement,
         count(*) FILTER (WHERE o.at_discharge IS NOT NULL)::integer AS episodes_discharged,
         count(*) FILTER (WHERE o.at_discharge IS NOT NULL AND o.mcid_attained)::integer AS episodes_discharged_attained
  FROM episode_outcomes o JOIN episode_summaries s USING (episode_id)
  WHERE o.improvement IS NOT NULL AND s.therapist_id IS NOT NULL
  GROUP BY s.therapist_id, s.department_id, o.measure;

CREATE VIEW outcomes_by_diagnosis_group AS
  SELECT upper(left(s.diagnosis_codes[1], 3)) AS diagnosis_group, s.department_id, o.measure,
         count(*)::integer AS episodes_measured,
         count(*) FILTER (WHERE o.mcid_attained)::integer AS episodes_attained,
         round(avg(o.mcid_attained::integer), 3) AS attainment_rate,
         round(avg(o.improvement), 3) AS mean_improvement,
         count(*) FILTER (WHERE o.at_discharge IS NOT NULL)::integer AS episodes_discharged,
         count(*) FILTER (WHERE o.at_discharge IS NOT NULL AND o.mcid_attained)::integer AS episodes_discharged_attained
  FROM episode_outcomes o JOIN episode_summaries s USING (episode_id)
  WHERE o.improvement IS NOT NULL AND cardinality(s.diagnosis_codes) > 0
  GROUP BY upper(left(s.diagnosis_codes[1], 3)), s.department_id, o.measure;

CREATE VIEW outcomes_by_department AS
  SELECT s.department_id, o.measure,
         count(*)::integer AS episodes_measured,
         count(*) FILTER (WHERE o.mcid_attained)::integer AS episodes_attained,
         round(avg(o.mcid_attained::integer), 3) AS attainment_rate,
         round(avg(o.improvement), 3) AS mean_improvement,
         count(*) FILTER (WHERE o.at_discharge IS NOT NULL)::integer AS episodes_discharged,
         count(*) FILTER (WHERE o.at_discharge IS NOT NULL AND o.mcid_attained)::integer AS episodes_discharged_attained
  FROM episode_outcomes o JOIN episode_summaries s USING (episode_id)
  WHERE o.improvement IS NOT NULL
  GROUP BY s.department_id, o.measure;

CREATE TABLE episode_operations (
  episode_id                   text PRIMARY KEY,
  department_id                text,
  referral_date                date,
  first_visit_on               date,
  referral_to_first_visit_days integer,
  offers_made                  integer NOT NULL,
  offers_declined              integer NOT NULL,
  offers_expired               integer NOT NULL,
  escalations                  integer NOT NULL,
  visits_delivered             integer NOT NULL,
  no_shows                     integer NOT NULL,
  cancellations_by_patient     integer NOT NULL,
  cancellations_by_clinic      integer NOT NULL,
  discharge_reason             text,
  discharged_on                date,
  -- Cancelled episode or declined referral.
  cancelled_on                 date
);
CREATE INDEX episode_operations_department_idx ON episode_operations (department_id);

CREATE VIEW department_operations AS
  SELECT department_id,
         count(*)::integer AS episodes,
         count(*) FILTER (WHERE discharged_on IS NOT NULL)::integer AS episodes_discharged,
         count(*) FILTER (WHERE cancelled_on IS NOT NULL)::integer AS episodes_cancelled,
         round(avg(referral_to_first_visit_days), 1) AS mean_referral_to_first_visit_days,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY referral_to_first_visit_days) AS median_referral_to_first_visit_days,
         sum(offers_made)::integer AS offers_made,
         sum(offers_declined)::integer AS offers_declined,
         sum(offers_expired)::integer AS offers_expired,
         count(*) FILTER (WHERE escalations > 0)::integer AS episodes_escalated,
         sum(visits_delivered)::integer AS visits_delivered,
         round(avg(visits_delivered) FILTER (WHERE discharged_on IS NOT NULL), 1) AS mean_visits_per_discharged_episode,
         sum(no_shows)::integer AS no_shows,
         sum(cancellations_by_patient)::integer AS cancellations_by_patient,
         sum(cancellations_by_clinic)::integer AS cancellations_by_clinic,
         -- No-shows among the visits the patient was expected at (delivered or missed without notice).
         round(sum(no_shows)::numeric / nullif(sum(visits_delivered + no_shows), 0), 3) AS no_show_rate
  FROM episode_operations
  GROUP BY department_id;

CREATE VIEW department_discharge_reasons AS
  SELECT department_id, discharge_reason, count(*)::integer AS episodes
  FROM episode_operations
  WHERE discharge_reason IS NOT NULL
  GROUP BY department_id, discharge_reason;

-- Events folded into the tables above: live and rebuild dedupe against it (docs/reporting.md, "Rebuild").
CREATE TABLE reporting_folded_events (
  event_id uuid PRIMARY KEY
);
`,
};

/** Tables the reporting consumer writes (with migration 2's), emptied and refolded by a rebuild. */
export const reportingTables: readonly string[] = ['episode_summaries', 'episode_worklists', 'episode_outcomes', 'episode_operations'];

/** Views over the reporting tables: SELECT only, for every reader. */
export const reportingViews: readonly string[] = [
  'worklist_progress_reports_due',
  'worklist_certifications_due',
  'worklist_authorizations_low',
  'worklist_re_evaluations_due',
  'worklist_unsigned_notes',
  'worklist_plateau_decisions_pending',
  'worklist_sessions_past_certified_period',
  'worklist_sessions_beyond_authorization',
  'worklist_review_thresholds_crossed',
  'therapist_caseloads',
  'outcomes_by_therapist',
  'outcomes_by_diagnosis_group',
  'outcomes_by_department',
  'department_operations',
  'department_discharge_reasons',
];
