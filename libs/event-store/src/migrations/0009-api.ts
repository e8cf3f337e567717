import type { Migration } from './migration';

/**
 * The API's own tables (docs/api.md): department settings, the registry of episodes by referral, and
 * the answers kept for Idempotency-Key retries.
 */
export const apiMigration: Migration = {
  version: 9,
  name: 'api: departments, episode registry, idempotency keys',
  sql: /* sql */ `
-- The domain's DepartmentSettings, checked by departmentSettingsProblem before every write.
CREATE TABLE departments (
  department_id text PRIMARY KEY,
  settings      jsonb NOT NULL CHECK (jsonb_typeof(settings) = 'object'),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per referral a department received: the episode it became and a hash of its content,
-- so a referral sent again is answered with the same episode, or refused when its content differs.
-- Written in the transaction that starts the workflow (docs/api.md, "Referrals in").
CREATE TABLE episodes (
  episode_id    text PRIMARY KEY,
  department_id text NOT NULL,
  referral_id   text NOT NULL,
  content_hash  bytea NOT NULL CHECK (octet_length(content_hash) = 32),
  -- The content's top-level fields, each hashed, to name (never show) what a conflicting resend changed.
  field_hashes  jsonb NOT NULL CHECK (jsonb_typeof(field_hashes) = 'object'),
  -- The pseudonymous patient key (docs/integration-events.md), for audit records; never the MRN.
  patient_key   text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (department_id, referral_id)
);

-- A retried POST with the same Idempotency-Key gets the first answer; kept for a day.
CREATE TABLE idempotency_keys (
  user_id         text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash    bytea NOT NULL CHECK (octet_length(request_hash) = 32),
  status          integer NOT NULL,
  answer          jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  PRIMARY KEY (user_id, idempotency_key)
);
CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at);
`,
};
