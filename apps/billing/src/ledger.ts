/**
 * Billing's tables (migration 6, docs/billing.md) for a run of events: what the fold needs is read (and
 * the years to date locked) in one statement, what it changed is written in one more, a multi-row upsert
 * per table in data-modifying CTEs: two round trips a run whatever its size. No statement here reads the
 * event log or anything that identifies the patient. Lists go as JSON: the apps' database clients do not
 * fetch array types (fetch_types: false), so sql.array is not available.
 */
import type { ISql, TransactionSql } from 'postgres';
import type { KafkaMessage } from '@careflow/contracts';
import type { PayerSettings, ProviderType } from '@careflow/domain';
import type { ConsumedEpisodeEvent } from '@careflow/messaging';
import type { BillingVisit, ChargeSet } from './charges';
import {
  chargeKey,
  datesOf,
  emptyLedger,
  therapistsOf,
  yearKey,
  type BillingEpisode,
  type Ledger,
  type StoredChargeSet,
  type StoredClaim,
  type YearToDate,
} from './fold';

const json = (value: unknown): string => JSON.stringify(value);
const orUndefined = <T>(value: T | null): T | undefined => value ?? undefined;

interface EpisodeRow {
  episode_id: string;
  patient_key: string;
  payer_id: string;
  department_id: string | null;
  diagnosis_codes: string[];
  therapist_id: string | null;
  under_plan_of_care: boolean;
  discharged_on: string | null;
}

interface VisitRow {
  episode_id: string;
  visit_id: string;
  kind: BillingVisit['kind'];
  service_date: string;
  therapist_id: string | null;
  lines: BillingVisit['lines'];
  self_pay: boolean;
  signed: boolean;
  certification_standing: BillingVisit['certificationStanding'];
}

interface ChargeRow {
  episode_id: string;
  service_date: string;
  version: number;
  therapist_id: string | null;
  provider_type: ProviderType;
  lines: ChargeSet['lines'];
  billed_units: number;
  amount_cents: number;
  year_to_date_before_cents: number;
  certification_standing: ChargeSet['certificationStanding'];
  held: boolean;
  flagged: boolean;
  notes_signed: boolean;
  kx_crossed: boolean;
  review_crossed: boolean;
  problem: string | null;
}

interface ClaimRow {
  claim_id: string;
  episode_id: string;
  payer_id: string;
  version: number;
  original_claim_id: string;
  diagnosis_codes: string[];
  lines: StoredClaim['lines'];
  total_charge_cents: number;
}

interface YearToDateRow {
  patient_key: string;
  payer_id: string;
  year: number;
  charges_cents: number;
  kx_crossed: boolean;
  kx_crossed_episode_id: string | null;
  kx_crossed_on: string | null;
  review_crossed: boolean;
  review_crossed_episode_id: string | null;
  review_crossed_on: string | null;
}

const episodeOfRow = (row: EpisodeRow): BillingEpisode => ({
  episodeId: row.episode_id,
  patientKey: row.patient_key,
  payerId: row.payer_id,
  departmentId: orUndefined(row.department_id),
  diagnosisCodes: row.diagnosis_codes,
  therapistId: orUndefined(row.therapist_id),
  underPlanOfCare: row.under_plan_of_care,
  dischargedOn: orUndefined(row.discharged_on),
});

const visitOfRow = (row: VisitRow): BillingVisit => ({
  visitId: row.visit_id,
  kind: row.kind,
  serviceDate: row.service_date,
  therapistId: orUndefined(row.therapist_id),
  lines: row.lines,
  selfPay: row.self_pay,
  signed: row.signed,
  certificationStanding: row.certification_standing,
});

const chargeOfRow = (row: ChargeRow): StoredChargeSet => ({
  episodeId: row.episode_id,
  serviceDate: row.service_date,
  version: row.version,
  therapistId: orUndefined(row.therapist_id),
  providerType: row.provider_type,
  lines: row.lines,
  billedUnits: row.billed_units,
  amountCents: row.amount_cents,
  yearToDateBeforeCents: row.year_to_date_before_cents,
  certificationStanding: row.certification_standing,
  held: row.held,
  flagged: row.flagged,
  notesSigned: row.notes_signed,
  kxCrossed: row.kx_crossed,
  reviewCrossed: row.review_crossed,
  problem: orUndefined(row.problem),
});

const yearToDateOfRow = (row: YearToDateRow): YearToDate => ({
  patientKey: row.patient_key,
  payerId: row.payer_id,
  year: row.year,
  chargesCents: row.charges_cents,
  kxCrossed: row.kx_crossed,
  kxCrossedEpisodeId: orUndefined(row.kx_crossed_episode_id),
  kxCrossedOn: orUndefined(row.kx_crossed_on),
  reviewCrossed: row.review_crossed,
  reviewCrossedEpisodeId: orUndefined(row.review_crossed_episode_id),
  reviewCrossedOn: orUndefined(row.review_crossed_on),
});

/**
 * Loads what folding `events` needs: their episodes with visits, charges and current claims; the payers'
 * settings and therapists' provider types; and the patients' years to date for every year the run may
 * charge (the years of the episodes' stored visits and of the run's dated events, for every patient key
 * and payer an episode has, stored or in a referral of the run), created if needed and locked for the
 * transaction in one order, so concurrent runs on other partitions take turns rather than deadlock, and
 * two episodes of one patient see each other's charges. One statement: one round trip. The episodes'
 * rows are found by `= ANY (ARRAY(…))`, which the planner takes to the indexes even in a generic plan;
 * `IN (SELECT …)` on a set-returning function got a plan that scanned each table whole (docs/billing.md#benchmark).
 */
export const loadLedger = async (tx: TransactionSql, events: readonly ConsumedEpisodeEvent[]): Promise<Ledger> => {
  const episodeIds = [...new Set(events.map((event) => event.data.episodeId))];
  const referrals = events.flatMap((event) =>
    event.type === 'ReferralReceived'
      ? [{ episode_id: event.data.episodeId, patient_key: event.data.patientKey, payer_id: event.data.payerId }]
      : [],
  );
  const dates = events.flatMap((event) => datesOf(event).map((date) => ({ episode_id: event.data.episodeId, service_date: date })));
  const therapistIds = [...new Set(events.flatMap(therapistsOf))];
  const [state] = await tx<
    {
      episodes: EpisodeRow[];
      visits: VisitRow[];
      charges: ChargeRow[];
      claims: ClaimRow[];
      payers: Record<string, PayerSettings>;
      provider_types: Record<string, ProviderType | null>;
      years_to_date: YearToDateRow[];
    }[]
  >`
    WITH ids AS (SELECT jsonb_array_elements_text(${json(episodeIds)}::text::jsonb) AS episode_id),
    episodes AS (
      SELECT episode_id, patient_key, payer_id, department_id, array_to_json(diagnosis_codes) AS diagnosis_codes, therapist_id,
             under_plan_of_care, discharged_on::text AS discharged_on
      FROM billing_episodes WHERE episode_id = ANY (ARRAY(SELECT episode_id FROM ids))),
    visits AS (
      SELECT episode_id, visit_id, kind, service_date::text AS service_date, therapist_id, lines, self_pay, signed, certification_standing
      FROM billing_visits WHERE episode_id = ANY (ARRAY(SELECT episode_id FROM ids))),
    billed AS (
      SELECT episode_id, patient_key, payer_id FROM episodes
      UNION SELECT * FROM jsonb_to_recordset(${json(referrals)}::text::jsonb) AS r(episode_id text, patient_key text, payer_id text)),
    dated AS (
      SELECT episode_id, service_date FROM visits
      UNION SELECT * FROM jsonb_to_recordset(${json(dates)}::text::jsonb) AS d(episode_id text, service_date text)),
    locked AS (
      INSERT INTO billing_year_to_date (patient_key, payer_id, year)
      SELECT DISTINCT b.patient_key, b.payer_id, left(d.service_date, 4)::int
      FROM billed b JOIN dated d USING (episode_id)
      ORDER BY 1, 2, 3
      ON CONFLICT (patient_key, payer_id, year) DO UPDATE SET year = EXCLUDED.year
      RETURNING patient_key, payer_id, year, charges_cents::int AS charges_cents, kx_crossed, kx_crossed_episode_id,
                kx_crossed_on::text AS kx_crossed_on, review_crossed, review_crossed_episode_id, review_crossed_on::text AS review_crossed_on)
    SELECT
      (SELECT coalesce(json_agg(e), '[]') FROM episodes e) AS episodes,
      (SELECT coalesce(json_agg(v), '[]') FROM visits v) AS visits,
      (SELECT coalesce(json_agg(c), '[]') FROM (
        SELECT episode_id, service_date::text AS service_date, version, therapist_id, provider_type, lines, billed_units, amount_cents,
               year_to_date_before_cents, certification_standing, held, flagged, notes_signed, kx_crossed, review_crossed, problem
        FROM billing_charges WHERE episode_id = ANY (ARRAY(SELECT episode_id FROM ids))) c) AS charges,
      (SELECT coalesce(json_agg(c), '[]') FROM (
        SELECT claim_id, episode_id, payer_id, version, original_claim_id, array_to_json(diagnosis_codes) AS diagnosis_codes, lines,
               total_charge_cents
        FROM billing_claims WHERE episode_id = ANY (ARRAY(SELECT episode_id FROM ids)) AND status = 'current') c) AS claims,
      (SELECT coalesce(json_object_agg(payer_id, settings), '{}') FROM payers
        WHERE payer_id IN (SELECT payer_id FROM billed)) AS payers,
      (SELECT coalesce(json_object_agg(therapist_id, provider_type), '{}') FROM therapists
        WHERE therapist_id IN (
          SELECT therapist_id FROM visits UNION SELECT therapist_id FROM episodes
          UNION SELECT jsonb_array_elements_text(${json(therapistIds)}::text::jsonb))) AS provider_types,
      (SELECT coalesce(json_agg(l), '[]') FROM locked l) AS years_to_date`;
  if (!state) throw new Error('The billing state could not be read.');
  const visits = new Map<string, Map<string, BillingVisit>>();
  for (const row of state.visits) {
    const byId = visits.get(row.episode_id) ?? new Map<string, BillingVisit>();
    byId.set(row.visit_id, visitOfRow(row));
    visits.set(row.episode_id, byId);
  }
  return emptyLedger({
    episodes: new Map(state.episodes.map((row) => [row.episode_id, episodeOfRow(row)])),
    visits,
    charges: new Map(state.charges.map((row) => [chargeKey(row.episode_id, row.service_date), chargeOfRow(row)])),
    claims: new Map(
      state.claims.map((row): [string, StoredClaim] => [
        row.episode_id,
        {
          claimId: row.claim_id,
          episodeId: row.episode_id,
          payerId: row.payer_id,
          version: row.version,
          originalClaimId: row.original_claim_id,
          diagnosisCodes: row.diagnosis_codes,
          lines: row.lines,
          totalChargeCents: row.total_charge_cents,
        },
      ]),
    ),
    yearsToDate: new Map(state.years_to_date.map((row) => [yearKey(row.patient_key, row.payer_id, row.year), yearToDateOfRow(row)])),
    payers: new Map(Object.entries(state.payers)),
    providerTypes: new Map(Object.entries(state.provider_types)),
  });
};
/** What a run writes, one list per table: the rows the fold changed, as they stand after the run. */
export interface LedgerRows {
  readonly episodes: readonly EpisodeRow[];
  readonly visits: readonly VisitRow[];
  readonly charges: readonly (ChargeRow & Pick<EpisodeRow, 'payer_id' | 'patient_key' | 'department_id'>)[];
  readonly yearsToDate: readonly YearToDateRow[];
  /** Claims issued before the run and replaced in it. */
  readonly replacedClaimIds: readonly string[];
  readonly claims: readonly (Omit<ClaimRow, 'diagnosis_codes'> & {
    diagnosis_codes: readonly string[];
    frequency_code: string;
    replaces_claim_id: string | null;
    status: 'current' | 'replaced';
  })[];
  /** In the order they were made. */
  readonly messages: readonly KafkaMessage[];
}

/** The rows of what the fold changed (pure). */
export const ledgerRows = (ledger: Ledger): LedgerRows => {
  const { changed } = ledger;
  const replaced = changed.claims.flatMap(({ claim }) => (claim.replacesClaimId === undefined ? [] : [claim.replacesClaimId]));
  const issued = new Set(changed.claims.map(({ claim }) => claim.claimId));
  return {
    episodes: [...changed.episodes].flatMap((id) => {
      const episode = ledger.episodes.get(id);
      return episode
        ? [
            {
              episode_id: episode.episodeId,
              patient_key: episode.patientKey,
              payer_id: episode.payerId,
              department_id: episode.departmentId ?? null,
              diagnosis_codes: [...episode.diagnosisCodes],
              therapist_id: episode.therapistId ?? null,
              under_plan_of_care: episode.underPlanOfCare,
              discharged_on: episode.dischargedOn ?? null,
            },
          ]
        : [];
    }),
    visits: [...changed.visits].flatMap((key) => {
      const [episodeId = '', visitId = ''] = key.split('|');
      const visit = ledger.visits.get(episodeId)?.get(visitId);
      return visit
        ? [
            {
              episode_id: episodeId,
              visit_id: visit.visitId,
              kind: visit.kind,
              service_date: visit.serviceDate,
              therapist_id: visit.therapistId ?? null,
              lines: visit.lines,
              self_pay: visit.selfPay,
              signed: visit.signed,
              certification_standing: visit.certificationStanding,
            },
          ]
        : [];
    }),
    charges: [...changed.charges].flatMap((key) => {
      const charge = ledger.charges.get(key);
      const episode = charge && ledger.episodes.get(charge.episodeId);
      return charge && episode
        ? [
            {
              episode_id: charge.episodeId,
              service_date: charge.serviceDate,
              payer_id: episode.payerId,
              patient_key: episode.patientKey,
              department_id: episode.departmentId ?? null,
              therapist_id: charge.therapistId ?? null,
              provider_type: charge.providerType,
              version: charge.version,
              lines: charge.lines,
              billed_units: charge.billedUnits,
              amount_cents: charge.amountCents,
              year_to_date_before_cents: charge.yearToDateBeforeCents,
              certification_standing: charge.certificationStanding,
              held: charge.held,
              flagged: charge.flagged,
              notes_signed: charge.notesSigned,
              kx_crossed: charge.kxCrossed,
              review_crossed: charge.reviewCrossed,
              problem: charge.problem ?? null,
            },
          ]
        : [];
    }),
    yearsToDate: [...changed.yearsToDate].flatMap((key) => {
      const year = ledger.yearsToDate.get(key);
      return year
        ? [
            {
              patient_key: year.patientKey,
              payer_id: year.payerId,
              year: year.year,
              charges_cents: year.chargesCents,
              kx_crossed: year.kxCrossed,
              kx_crossed_episode_id: year.kxCrossedEpisodeId ?? null,
              kx_crossed_on: year.kxCrossedOn ?? null,
              review_crossed: year.reviewCrossed,
              review_crossed_episode_id: year.reviewCrossedEpisodeId ?? null,
              review_crossed_on: year.reviewCrossedOn ?? null,
            },
          ]
        : [];
    }),
    replacedClaimIds: replaced.filter((claimId) => !issued.has(claimId)),
    claims: changed.claims.map(({ episode, claim, version, originalClaimId }) => ({
      claim_id: claim.claimId,
      episode_id: episode.episodeId,
      payer_id: episode.payerId,
      version,
      frequency_code: claim.frequencyCode,
      replaces_claim_id: claim.replacesClaimId ?? null,
      original_claim_id: originalClaimId,
      diagnosis_codes: claim.diagnosisCodes,
      lines: claim.lines,
      total_charge_cents: claim.totalChargeCents,
      // A version replaced within this run is stored replaced at once.
      status: replaced.includes(claim.claimId) ? 'replaced' : 'current',
    })),
    messages: [...changed.messages],
  };
};

/**
 * The outbox rows as JSON, each message's value spliced in as the JSON text it already is
 * (billingEventMessage made it from a checked object): no parse and re-serialisation per message.
 */
const outboxJson = (messages: readonly KafkaMessage[]): string =>
  `[${messages
    .map(
      (message) =>
        `{"message_id":${json(message.headers['ce_id'] ?? '')},"key":${json(message.key)},"headers":${json(message.headers)},"value":${message.value}}`,
    )
    .join(',')}]`;

/**
 * Writes the rows in one statement: a multi-row upsert per table, each a data-modifying CTE (tables
 * without keys between them, so the order among them does not matter), the messages in their order.
 * The years to date are upserted: a run created and locked them when it loaded (loadLedger).
 */
export const writeLedgerRows = async (sql: ISql, rows: LedgerRows): Promise<void> => {
  await sql`
    WITH episodes AS (
      INSERT INTO billing_episodes (episode_id, patient_key, payer_id, department_id, diagnosis_codes, therapist_id, under_plan_of_care, discharged_on)
      SELECT e.episode_id, e.patient_key, e.payer_id, e.department_id, ARRAY(SELECT jsonb_array_elements_text(e.diagnosis_codes)),
             e.therapist_id, e.under_plan_of_care, e.discharged_on
      FROM jsonb_to_recordset(${json(rows.episodes)}::text::jsonb) AS e(
        episode_id text, patient_key text, payer_id text, department_id text, diagnosis_codes jsonb, therapist_id text,
        under_plan_of_care boolean, discharged_on date)
      ON CONFLICT (episode_id) DO UPDATE SET
        patient_key = EXCLUDED.patient_key, payer_id = EXCLUDED.payer_id, department_id = EXCLUDED.department_id,
        diagnosis_codes = EXCLUDED.diagnosis_codes, therapist_id = EXCLUDED.therapist_id,
        under_plan_of_care = EXCLUDED.under_plan_of_care, discharged_on = EXCLUDED.discharged_on, updated_at = now()),
    visits AS (
      INSERT INTO billing_visits (episode_id, visit_id, kind, service_date, therapist_id, lines, self_pay, signed, certification_standing)
      SELECT * FROM jsonb_to_recordset(${json(rows.visits)}::text::jsonb) AS v(
        episode_id text, visit_id text, kind text, service_date date, therapist_id text, lines jsonb, self_pay boolean,
        signed boolean, certification_standing text)
      ON CONFLICT (episode_id, visit_id) DO UPDATE SET
        lines = EXCLUDED.lines, signed = EXCLUDED.signed, certification_standing = EXCLUDED.certification_standing),
    charges AS (
      INSERT INTO billing_charges (
        episode_id, service_date, payer_id, patient_key, department_id, therapist_id, provider_type, version, lines,
        billed_units, amount_cents, year_to_date_before_cents, certification_standing, held, flagged, notes_signed,
        kx_crossed, review_crossed, problem)
      SELECT * FROM jsonb_to_recordset(${json(rows.charges)}::text::jsonb) AS c(
        episode_id text, service_date date, payer_id text, patient_key text, department_id text, therapist_id text,
        provider_type text, version integer, lines jsonb, billed_units integer, amount_cents bigint,
        year_to_date_before_cents bigint, certification_standing text, held boolean, flagged boolean, notes_signed boolean,
        kx_crossed boolean, review_crossed boolean, problem text)
      ON CONFLICT (episode_id, service_date) DO UPDATE SET
        department_id = EXCLUDED.department_id, therapist_id = EXCLUDED.therapist_id, provider_type = EXCLUDED.provider_type,
        version = EXCLUDED.version, lines = EXCLUDED.lines, billed_units = EXCLUDED.billed_units,
        amount_cents = EXCLUDED.amount_cents, year_to_date_before_cents = EXCLUDED.year_to_date_before_cents,
        certification_standing = EXCLUDED.certification_standing, held = EXCLUDED.held, flagged = EXCLUDED.flagged,
        notes_signed = EXCLUDED.notes_signed, kx_crossed = EXCLUDED.kx_crossed, review_crossed = EXCLUDED.review_crossed,
        problem = EXCLUDED.problem, updated_at = now()),
    years AS (
      INSERT INTO billing_year_to_date (
        patient_key, payer_id, year, charges_cents, kx_crossed, kx_crossed_episode_id, kx_crossed_on, review_crossed,
        review_crossed_episode_id, review_crossed_on)
      SELECT * FROM jsonb_to_recordset(${json(rows.yearsToDate)}::text::jsonb) AS n(
        patient_key text, payer_id text, year integer, charges_cents bigint, kx_crossed boolean, kx_crossed_episode_id text,
        kx_crossed_on date, review_crossed boolean, review_crossed_episode_id text, review_crossed_on date)
      ON CONFLICT (patient_key, payer_id, year) DO UPDATE SET
        charges_cents = EXCLUDED.charges_cents, kx_crossed = EXCLUDED.kx_crossed, kx_crossed_episode_id = EXCLUDED.kx_crossed_episode_id,
        kx_crossed_on = EXCLUDED.kx_crossed_on, review_crossed = EXCLUDED.review_crossed,
        review_crossed_episode_id = EXCLUDED.review_crossed_episode_id, review_crossed_on = EXCLUDED.review_crossed_on, updated_at = now()),
    replaced AS (
      UPDATE billing_claims SET status = 'replaced'
      WHERE claim_id IN (SELECT jsonb_array_elements_text(${json(rows.replacedClaimIds)}::text::jsonb))),
    claims AS (
      INSERT INTO billing_claims (
        claim_id, episode_id, payer_id, version, frequency_code, replaces_claim_id, original_claim_id, diagnosis_codes, lines,
        total_charge_cents, status)
      SELECT c.claim_id, c.episode_id, c.payer_id, c.version, c.frequency_code, c.replaces_claim_id, c.original_claim_id,
             ARRAY(SELECT jsonb_array_elements_text(c.diagnosis_codes)), c.lines, c.total_charge_cents, c.status
      FROM jsonb_to_recordset(${json(rows.claims)}::text::jsonb) AS c(
        claim_id text, episode_id text, payer_id text, version integer, frequency_code text, replaces_claim_id text,
        original_claim_id text, diagnosis_codes jsonb, lines jsonb, total_charge_cents bigint, status text)),
    messages AS (
      INSERT INTO billing_outbox (message_id, key, headers, value)
      SELECT m.message_id, m.key, m.headers, m.value
      FROM ROWS FROM (jsonb_to_recordset(${outboxJson(rows.messages)}::text::jsonb) AS (message_id text, key text, headers jsonb, value jsonb))
        WITH ORDINALITY AS m(message_id, key, headers, value, n)
      ORDER BY m.n
      ON CONFLICT (message_id) DO NOTHING)
    SELECT 1`;
};

/** Writes what the fold changed (ledgerRows, writeLedgerRows). */
export const saveLedger = (tx: TransactionSql, ledger: Ledger): Promise<void> => writeLedgerRows(tx, ledgerRows(ledger));
