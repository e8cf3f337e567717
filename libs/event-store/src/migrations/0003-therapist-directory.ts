import type { Migration } from './migration';

/**
 * The department's therapists as routing reads them: licenses, certificates, caseload limit and
 * availability in `profile` (the routing module's TherapistProfile without ids and live caseload,
 * which is counted from episode_summaries).
 */
export const therapistDirectoryMigration: Migration = {
  version: 3,
  name: 'therapist directory',
  sql: /* sql */ `
CREATE TABLE therapists (
  therapist_id  text PRIMARY KEY,
  department_id text NOT NULL,
  active        boolean NOT NULL DEFAULT true,
  profile       jsonb NOT NULL CHECK (jsonb_typeof(profile) = 'object'),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX therapists_by_department ON therapists (department_id) WHERE active;
-- Continuity in routing: earlier referrals of the same patient, found without scanning the log.
CREATE INDEX events_referral_patient_idx ON events ((data->'referral'->'patient'->>'mrn'))
  WHERE type = 'ReferralReceived';
`,
};
