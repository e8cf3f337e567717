import type { Migration } from './migration';

/**
 * The referrer's closed loop (docs/notices.md): one row per notice the domain issued
 * (`ReferringProviderNoticeIssued`), written in the consumer's transaction and delivered after
 * commit from the pending rows (an outbox), a dead-letter record per exhausted delivery, and the one
 * narrow read of PHI the notices app may make. No PHI is stored here: ids, codes, counts, states and
 * error names only; the patient's identity and the report's text are read at delivery time.
 */
export const referrerNoticesMigration: Migration = {
  version: 8,
  name: 'referrer notices',
  sql: /* sql */ `
CREATE TABLE referrer_notices (
  -- The event id of the ReferringProviderNoticeIssued event: also the Communication's identifier,
  -- the receiver's idempotency key.
  notice_id              uuid PRIMARY KEY,
  -- The order notices were consumed in, which per episode is the order the domain issued them.
  sequence               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  episode_id             text NOT NULL,
  notice                 text NOT NULL,
  referral_id            text NOT NULL,
  referring_provider_npi text NOT NULL,
  report_id              text,
  department_id          text,
  issued_at              timestamptz NOT NULL,
  state                  text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead-lettered')),
  attempts               integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- A pending notice is due at this time; a claimed one is leased until then.
  next_attempt_at        timestamptz NOT NULL DEFAULT now(),
  -- The error's name (e.g. TimeoutError) and the receiver's HTTP status: never a message or a body.
  last_error             text CHECK (last_error ~ '^[A-Za-z0-9_.-]{1,100}$'),
  last_status_code       integer CHECK (last_status_code BETWEEN 100 AND 599),
  recorded_at            timestamptz NOT NULL DEFAULT now(),
  delivered_at           timestamptz
);

CREATE INDEX referrer_notices_due_idx ON referrer_notices (next_attempt_at) WHERE state = 'pending';
CREATE INDEX referrer_notices_episode_pending_idx ON referrer_notices (episode_id, sequence) WHERE state = 'pending';

-- One row each time a notice's deliveries were exhausted; kept when it is re-delivered.
CREATE TABLE referrer_notice_dead_letters (
  notice_id               uuid NOT NULL REFERENCES referrer_notices (notice_id),
  dead_lettered_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  attempts                integer NOT NULL,
  last_error              text CHECK (last_error ~ '^[A-Za-z0-9_.-]{1,100}$'),
  last_status_code        integer CHECK (last_status_code BETWEEN 100 AND 599),
  redelivery_requested_at timestamptz,
  PRIMARY KEY (notice_id, dead_lettered_at)
);

-- What one notice needs and nothing else, for the notices role, which may not read the events: the
-- referral's patient identity (for matching on the referrer's side), the referring provider, and the
-- notice's own content (the decline's reason, the progress report, the discharge summary), its
-- absent optional fields left out rather than null. Only a
-- ReferringProviderNoticeIssued event's id opens it, so it cannot read an arbitrary event.
CREATE FUNCTION referrer_notice_content(p_notice_id uuid)
RETURNS TABLE (
  episode_id                    text,
  notice                        text,
  referral_id                   text,
  patient_mrn                   text,
  patient_name                  text,
  patient_birth_date            text,
  patient_sex                   text,
  referring_provider_name       text,
  referring_provider_npi        text,
  referring_provider_credential text,
  content                       jsonb
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
  SELECT n.stream_id,
         n.data->>'notice',
         n.data->>'referralId',
         r.data->'referral'->'patient'->>'mrn',
         r.data->'referral'->'patient'->>'name',
         r.data->'referral'->'patient'->>'birthDate',
         r.data->'referral'->'patient'->>'sex',
         r.data->'referral'->'referringProvider'->>'name',
         r.data->'referral'->'referringProvider'->>'npi',
         r.data->'referral'->'referringProvider'->>'credential',
         CASE n.data->>'notice'
           WHEN 'referral-declined' THEN (
             SELECT jsonb_build_object('reason', e.data->'reason')
               FROM events e
              WHERE e.stream_id = n.stream_id AND e.type = 'ReferralDeclined' AND e.global_position < n.global_position
              ORDER BY e.global_position DESC LIMIT 1)
           WHEN 'progress-report' THEN (
             SELECT jsonb_strip_nulls(jsonb_build_object('reportedOn', e.data->'reportedOn', 'measures', e.data->'measures',
                                       'goals', e.data->'goals', 'narrative', e.data->'narrative', 'planChange', e.data->'planChange'))
               FROM events e
              WHERE e.stream_id = n.stream_id AND e.type = 'ProgressReportRecorded' AND e.data->>'reportId' = n.data->>'reportId')
           WHEN 'discharge-summary' THEN (
             SELECT jsonb_strip_nulls(jsonb_build_object('dischargedOn', e.data->'dischargedOn', 'reason', e.data->'reason',
                                       'reasonText', e.data->'reasonText', 'summary', e.data->'summary'))
               FROM events e
              WHERE e.stream_id = n.stream_id AND e.type = 'EpisodeDischarged' AND e.global_position < n.global_position
              ORDER BY e.global_position DESC LIMIT 1)
           WHEN 'episode-cancelled' THEN (
             SELECT jsonb_build_object('reason', e.data->'reason')
               FROM events e
              WHERE e.stream_id = n.stream_id AND e.type = 'EpisodeCancelled' AND e.global_position < n.global_position
              ORDER BY e.global_position DESC LIMIT 1)
         END
    FROM events n
    JOIN events r ON r.stream_id = n.stream_id AND r.type = 'ReferralReceived'
   WHERE n.event_id = p_notice_id AND n.type = 'ReferringProviderNoticeIssued'
$fn$;

-- Functions are executable by PUBLIC unless revoked; grants.ts gives it to the notices role alone.
REVOKE ALL ON FUNCTION referrer_notice_content(uuid) FROM PUBLIC;
`,
};
