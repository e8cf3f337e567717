import type { Migration } from './migration';

/**
 * Billing (docs/billing.md): payer settings, the therapists' provider type, and billing's read model
 * of charges, claims and year-to-date totals, kept by apps/billing from the integration events. No
 * patient identifier and no note text in any of them: the patient is the pseudonymous patient key.
 * What a claim needs about the subscriber is read when the claim is rendered, through
 * `claim_subscriber`, and never stored.
 */
export const billingMigration: Migration = {
  version: 6,
  name: 'billing',
  sql: /* sql */ `
-- The domain's PayerSettings per payer; the api's admin route writes them.
CREATE TABLE payers (
  payer_id   text PRIMARY KEY,
  settings   jsonb NOT NULL CHECK (jsonb_typeof(settings) = 'object'),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Payers decide which provider types may bill which codes. NULL: not recorded, billed as a licensed
-- massage therapist (the department's profession and the least eligible type), never as more.
ALTER TABLE therapists ADD COLUMN provider_type text CHECK (provider_type IN (
  'licensed-massage-therapist', 'physical-therapist', 'physical-therapist-assistant', 'occupational-therapist', 'physician'));

-- Billing's working state per episode: what the charges and claims are built from.
CREATE TABLE billing_episodes (
  episode_id         text PRIMARY KEY,
  patient_key        text NOT NULL,
  payer_id           text NOT NULL,
  department_id      text,
  diagnosis_codes    text[] NOT NULL,
  therapist_id       text,
  under_plan_of_care boolean NOT NULL DEFAULT false,
  discharged_on      date,
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Every billable visit: sessions (with continuations and corrections applied) and evaluations.
CREATE TABLE billing_visits (
  episode_id             text NOT NULL,
  visit_id               text NOT NULL,
  kind                   text NOT NULL CHECK (kind IN ('session', 'evaluation', 're-evaluation')),
  service_date           date NOT NULL,
  therapist_id           text,
  lines                  jsonb NOT NULL CHECK (jsonb_typeof(lines) = 'array'),
  self_pay               boolean NOT NULL DEFAULT false,
  signed                 boolean NOT NULL,
  certification_standing text NOT NULL CHECK (certification_standing IN ('certified', 'awaiting-certification', 'delinquent')),
  PRIMARY KEY (episode_id, visit_id)
);
CREATE INDEX billing_visits_by_day ON billing_visits (episode_id, service_date);

-- One current row per episode and day of service; version counts its corrections.
CREATE TABLE billing_charges (
  episode_id                text NOT NULL,
  service_date              date NOT NULL,
  payer_id                  text NOT NULL,
  patient_key               text NOT NULL,
  department_id             text,
  therapist_id              text,
  provider_type             text,
  version                   integer NOT NULL CHECK (version >= 1),
  lines                     jsonb NOT NULL CHECK (jsonb_typeof(lines) = 'array'),
  billed_units              integer NOT NULL DEFAULT 0,
  amount_cents              bigint NOT NULL DEFAULT 0 CHECK (amount_cents >= 0),
  year_to_date_before_cents bigint NOT NULL DEFAULT 0,
  certification_standing    text NOT NULL CHECK (certification_standing IN ('certified', 'awaiting-certification', 'delinquent')),
  held                      boolean NOT NULL,
  flagged                   boolean NOT NULL,
  notes_signed              boolean NOT NULL,
  kx_crossed                boolean NOT NULL DEFAULT false,
  review_crossed            boolean NOT NULL DEFAULT false,
  problem                   text,
  updated_at                timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (episode_id, service_date)
);
CREATE INDEX billing_charges_by_patient ON billing_charges (patient_key, payer_id, service_date);

-- Every version of every claim; a replacement (frequency 7) names the claim it replaces and the original.
CREATE TABLE billing_claims (
  claim_id           text PRIMARY KEY,
  episode_id         text NOT NULL,
  payer_id           text NOT NULL,
  version            integer NOT NULL CHECK (version >= 1),
  frequency_code     text NOT NULL CHECK (frequency_code IN ('1', '7')),
  replaces_claim_id  text,
  original_claim_id  text NOT NULL,
  diagnosis_codes    text[] NOT NULL CHECK (cardinality(diagnosis_codes) BETWEEN 1 AND 12),
  lines              jsonb NOT NULL CHECK (jsonb_typeof(lines) = 'array'),
  total_charge_cents bigint NOT NULL CHECK (total_charge_cents >= 0),
  status             text NOT NULL CHECK (status IN ('current', 'replaced')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (episode_id, payer_id, version),
  CHECK ((frequency_code = '7') = (replaces_claim_id IS NOT NULL))
);

-- The patient's charges with a payer in a calendar year, across every episode, and the thresholds crossed.
CREATE TABLE billing_year_to_date (
  patient_key           text NOT NULL,
  payer_id              text NOT NULL,
  year                  integer NOT NULL,
  charges_cents         bigint NOT NULL DEFAULT 0,
  kx_crossed            boolean NOT NULL DEFAULT false,
  kx_crossed_episode_id text,
  kx_crossed_on         date,
  review_crossed            boolean NOT NULL DEFAULT false,
  review_crossed_episode_id text,
  review_crossed_on         date,
  updated_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (patient_key, payer_id, year)
);

-- Messages for careflow.billing-charges.v1, written with the change they announce, published after commit.
CREATE TABLE billing_outbox (
  position   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id text NOT NULL UNIQUE,
  key        text NOT NULL,
  headers    jsonb NOT NULL,
  value      jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The one read of identifying data billing makes: what a claim says about the subscriber, at the
-- moment it is rendered. Runs as the schema owner; EXECUTE only to billing and the api (grants.ts).
CREATE FUNCTION claim_subscriber(p_episode_id text)
RETURNS TABLE (member_id text, name text, birth_date text, sex text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
  SELECT data->'referral'->'payer'->>'memberId', data->'referral'->'patient'->>'name',
         data->'referral'->'patient'->>'birthDate', data->'referral'->'patient'->>'sex'
  FROM events
  WHERE stream_id = p_episode_id AND type = 'ReferralReceived'
  ORDER BY global_position
  LIMIT 1
$fn$;
REVOKE ALL ON FUNCTION claim_subscriber(text) FROM PUBLIC;
`,
};

export const billingTables: readonly string[] = [
  'payers',
  'billing_episodes',
  'billing_visits',
  'billing_charges',
  'billing_claims',
  'billing_year_to_date',
  'billing_outbox',
];
