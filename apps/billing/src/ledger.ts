/**
 * Billing's tables (migration 6, docs/billing.md), read and written inside the consumer's transaction.
 * No statement here reads the event log or anything that identifies the patient. Lists go as JSON: the
 * apps' database clients do not fetch array types (fetch_types: false), so sql.array is not available.
 */
import type { TransactionSql } from 'postgres';
import { defaultPayerSettings, type Claim, type PayerSettings, type ProviderType } from '@careflow/domain';
import type { KafkaMessage } from '@careflow/contracts';
import type { BillingVisit, ChargeSet, VisitLine } from './charges';

/** What billing keeps of an episode: who pays, for whom (the patient key), for what diagnoses. */
export interface BillingEpisode {
  readonly episodeId: string;
  readonly patientKey: string;
  readonly payerId: string;
  readonly departmentId: string | undefined;
  readonly diagnosisCodes: readonly string[];
  readonly therapistId: string | undefined;
  readonly dischargedOn: string | undefined;
}

export interface StoredChargeSet extends ChargeSet {
  readonly serviceDate: string;
  readonly version: number;
}

export interface StoredClaim extends Pick<Claim, 'claimId' | 'diagnosisCodes' | 'lines' | 'totalChargeCents'> {
  readonly version: number;
  readonly originalClaimId: string;
}

export interface YearToDate {
  readonly chargesCents: number;
  readonly kxCrossed: boolean;
  readonly reviewCrossed: boolean;
}

const json = (value: unknown): string => JSON.stringify(value);
const orUndefined = <T>(value: T | null): T | undefined => value ?? undefined;

export const saveReferral = async (
  tx: TransactionSql,
  episode: Pick<BillingEpisode, 'episodeId' | 'patientKey' | 'payerId' | 'departmentId' | 'diagnosisCodes'>,
): Promise<void> => {
  await tx`
    INSERT INTO billing_episodes (episode_id, patient_key, payer_id, department_id, diagnosis_codes)
    VALUES (${episode.episodeId}, ${episode.patientKey}, ${episode.payerId}, ${episode.departmentId ?? null},
            ARRAY(SELECT jsonb_array_elements_text(${json(episode.diagnosisCodes)}::text::jsonb)))
    ON CONFLICT (episode_id) DO UPDATE SET
      patient_key = EXCLUDED.patient_key, payer_id = EXCLUDED.payer_id, department_id = EXCLUDED.department_id,
      diagnosis_codes = EXCLUDED.diagnosis_codes, updated_at = now()`;
};

export const updateEpisode = async (
  tx: TransactionSql,
  episodeId: string,
  change: { readonly therapistId?: string; readonly underPlanOfCare?: boolean; readonly dischargedOn?: string },
): Promise<void> => {
  await tx`
    UPDATE billing_episodes SET
      therapist_id = coalesce(${change.therapistId ?? null}, therapist_id),
      under_plan_of_care = coalesce(${change.underPlanOfCare ?? null}, under_plan_of_care),
      discharged_on = coalesce(${change.dischargedOn ?? null}::date, discharged_on),
      updated_at = now()
    WHERE episode_id = ${episodeId}`;
};

interface EpisodeRow {
  episode_id: string;
  patient_key: string;
  payer_id: string;
  department_id: string | null;
  diagnosis_codes: string[];
  therapist_id: string | null;
  discharged_on: string | null;
}

const episodeOfRow = (row: EpisodeRow): BillingEpisode => ({
  episodeId: row.episode_id,
  patientKey: row.patient_key,
  payerId: row.payer_id,
  departmentId: orUndefined(row.department_id),
  diagnosisCodes: row.diagnosis_codes,
  therapistId: orUndefined(row.therapist_id),
  dischargedOn: orUndefined(row.discharged_on),
});

export const loadEpisode = async (tx: TransactionSql, episodeId: string): Promise<BillingEpisode | undefined> => {
  const [row] = await tx<EpisodeRow[]>`
    SELECT episode_id, patient_key, payer_id, department_id, array_to_json(diagnosis_codes) AS diagnosis_codes, therapist_id,
           discharged_on::text AS discharged_on
    FROM billing_episodes WHERE episode_id = ${episodeId}`;
  return row && episodeOfRow(row);
};

/** A redelivered visit changes nothing: the first recording stands. */
export const addVisit = async (tx: TransactionSql, episodeId: string, visit: BillingVisit): Promise<void> => {
  await tx`
    INSERT INTO billing_visits (episode_id, visit_id, kind, service_date, therapist_id, lines, self_pay, signed, certification_standing)
    VALUES (${episodeId}, ${visit.visitId}, ${visit.kind}, ${visit.serviceDate}, ${visit.therapistId ?? null},
            ${json(visit.lines)}::text::jsonb, ${visit.selfPay}, ${visit.signed}, ${visit.certificationStanding})
    ON CONFLICT (episode_id, visit_id) DO NOTHING`;
};

/** Changes a visit; returns its day of service, or undefined when the episode has no such visit. */
export const updateVisit = async (
  tx: TransactionSql,
  episodeId: string,
  visitId: string,
  change: Partial<Pick<BillingVisit, 'lines' | 'signed' | 'certificationStanding'>>,
): Promise<string | undefined> => {
  const [row] = await tx<{ service_date: string }[]>`
    UPDATE billing_visits SET
      lines = coalesce(${change.lines === undefined ? null : json(change.lines)}::text::jsonb, lines),
      signed = coalesce(${change.signed ?? null}, signed),
      certification_standing = coalesce(${change.certificationStanding ?? null}, certification_standing)
    WHERE episode_id = ${episodeId} AND visit_id = ${visitId}
    RETURNING service_date::text AS service_date`;
  return row?.service_date;
};

interface VisitRow {
  visit_id: string;
  kind: BillingVisit['kind'];
  service_date: string;
  therapist_id: string | null;
  lines: VisitLine[];
  self_pay: boolean;
  signed: boolean;
  certification_standing: BillingVisit['certificationStanding'];
}

const visitOf = (row: VisitRow): BillingVisit => ({
  visitId: row.visit_id,
  kind: row.kind,
  serviceDate: row.service_date,
  therapistId: orUndefined(row.therapist_id),
  lines: row.lines,
  selfPay: row.self_pay,
  signed: row.signed,
  certificationStanding: row.certification_standing,
});

/** The episode's visits, or one of them. */
export const loadVisits = async (tx: TransactionSql, episodeId: string, visitId?: string): Promise<BillingVisit[]> => {
  const rows = await tx<VisitRow[]>`
    SELECT visit_id, kind, service_date::text AS service_date, therapist_id, lines, self_pay, signed, certification_standing
    FROM billing_visits
    WHERE episode_id = ${episodeId} AND (${visitId ?? null}::text IS NULL OR visit_id = ${visitId ?? null}::text)`;
  return rows.map(visitOf);
};

interface ChargeRow {
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

const chargeSetOfRow = (row: ChargeRow): StoredChargeSet => ({
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

/** The episode's current charge sets, by date. */
export const loadCharges = async (tx: TransactionSql, episodeId: string): Promise<StoredChargeSet[]> => {
  const rows = await tx<ChargeRow[]>`
    SELECT service_date::text AS service_date, version, therapist_id, provider_type, lines, billed_units,
           amount_cents::int AS amount_cents, year_to_date_before_cents::int AS year_to_date_before_cents,
           certification_standing, held, flagged, notes_signed, kx_crossed, review_crossed, problem
    FROM billing_charges
    WHERE episode_id = ${episodeId}
    ORDER BY service_date`;
  return rows.map(chargeSetOfRow);
};

/** Everything one day's charges are computed from, read in one statement. */
export interface BillingDay {
  readonly episode: BillingEpisode;
  /** The day's visits: evaluations first, then by id, so the day's first visit is stable. */
  readonly visits: BillingVisit[];
  readonly previous: StoredChargeSet | undefined;
  /** The payer's settings; a payer nobody configured yet gets the rules page's defaults, which have no fee schedule. */
  readonly payer: PayerSettings;
  /** The provider type of each of the day's therapists the directory knows. */
  readonly providerTypes: Readonly<Record<string, ProviderType | null>>;
  /** The patient's year with the payer, locked until the transaction ends (see loadDay). */
  readonly yearToDate: YearToDate;
}

interface DayRow {
  episode: EpisodeRow;
  year_to_date: { charges_cents: number; kx_crossed: boolean; review_crossed: boolean };
  visits: VisitRow[];
  previous: ChargeRow | null;
  payer: PayerSettings | null;
  provider_types: Record<string, ProviderType | null>;
}

/**
 * The day of an episode as billing charges it, undefined when the episode has no referral in billing.
 * The patient's year-to-date row is created if needed and locked for the transaction: two episodes of
 * one patient consumed at once (other partitions) take turns, so each day's charges see the others'.
 */
export const loadDay = async (tx: TransactionSql, episodeId: string, serviceDate: string): Promise<BillingDay | undefined> => {
  const [row] = await tx<DayRow[]>`
    WITH episode AS (
      SELECT episode_id, patient_key, payer_id, department_id, array_to_json(diagnosis_codes) AS diagnosis_codes, therapist_id,
             discharged_on::text AS discharged_on
      FROM billing_episodes WHERE episode_id = ${episodeId}
    ), year_to_date AS (
      INSERT INTO billing_year_to_date (patient_key, payer_id, year)
      SELECT patient_key, payer_id, ${Number(serviceDate.slice(0, 4))} FROM episode
      ON CONFLICT (patient_key, payer_id, year) DO UPDATE SET year = EXCLUDED.year
      RETURNING charges_cents::int AS charges_cents, kx_crossed, review_crossed
    ), visits AS (
      SELECT visit_id, kind, service_date::text AS service_date, therapist_id, lines, self_pay, signed, certification_standing
      FROM billing_visits WHERE episode_id = ${episodeId} AND service_date = ${serviceDate}::date
    )
    SELECT row_to_json(episode) AS episode,
      (SELECT row_to_json(year_to_date) FROM year_to_date) AS year_to_date,
      (SELECT coalesce(json_agg(visits ORDER BY kind = 'session', visit_id), '[]') FROM visits) AS visits,
      (SELECT row_to_json(charge) FROM (
        SELECT service_date::text AS service_date, version, therapist_id, provider_type, lines, billed_units, amount_cents,
               year_to_date_before_cents, certification_standing, held, flagged, notes_signed, kx_crossed, review_crossed, problem
        FROM billing_charges WHERE episode_id = ${episodeId} AND service_date = ${serviceDate}::date) charge) AS previous,
      (SELECT settings FROM payers WHERE payer_id = episode.payer_id) AS payer,
      (SELECT coalesce(json_object_agg(therapist_id, provider_type), '{}') FROM therapists
        WHERE therapist_id IN (SELECT therapist_id FROM visits)) AS provider_types
    FROM episode`;
  if (!row) return undefined;
  return {
    episode: episodeOfRow(row.episode),
    visits: row.visits.map(visitOf),
    previous: row.previous === null ? undefined : chargeSetOfRow(row.previous),
    payer: row.payer ?? defaultPayerSettings,
    providerTypes: row.provider_types,
    yearToDate: {
      chargesCents: row.year_to_date.charges_cents,
      kxCrossed: row.year_to_date.kx_crossed,
      reviewCrossed: row.year_to_date.review_crossed,
    },
  };
};

/**
 * Stores a day's new charge set version, moves the year's total by its difference and marks a threshold
 * crossed once (by the day that crossed it), and queues its message: one statement, one round trip.
 */
export const recordChargeSet = async (
  tx: TransactionSql,
  change: {
    readonly episode: BillingEpisode;
    readonly serviceDate: string;
    readonly version: number;
    readonly charges: ChargeSet;
    readonly deltaCents: number;
    readonly message: KafkaMessage;
  },
): Promise<void> => {
  const { episode, serviceDate, version, charges, deltaCents, message } = change;
  await tx`
    WITH charge AS (
      INSERT INTO billing_charges (
        episode_id, service_date, payer_id, patient_key, department_id, therapist_id, provider_type, version, lines,
        billed_units, amount_cents, year_to_date_before_cents, certification_standing, held, flagged, notes_signed,
        kx_crossed, review_crossed, problem)
      VALUES (
        ${episode.episodeId}, ${serviceDate}, ${episode.payerId}, ${episode.patientKey}, ${episode.departmentId ?? null},
        ${charges.therapistId ?? null}, ${charges.providerType}, ${version}, ${json(charges.lines)}::text::jsonb,
        ${charges.billedUnits}, ${charges.amountCents}, ${charges.yearToDateBeforeCents}, ${charges.certificationStanding},
        ${charges.held}, ${charges.flagged}, ${charges.notesSigned}, ${charges.kxCrossed}, ${charges.reviewCrossed},
        ${charges.problem ?? null})
      ON CONFLICT (episode_id, service_date) DO UPDATE SET
        department_id = EXCLUDED.department_id, therapist_id = EXCLUDED.therapist_id, provider_type = EXCLUDED.provider_type,
        version = EXCLUDED.version, lines = EXCLUDED.lines, billed_units = EXCLUDED.billed_units,
        amount_cents = EXCLUDED.amount_cents, year_to_date_before_cents = EXCLUDED.year_to_date_before_cents,
        certification_standing = EXCLUDED.certification_standing, held = EXCLUDED.held, flagged = EXCLUDED.flagged,
        notes_signed = EXCLUDED.notes_signed, kx_crossed = EXCLUDED.kx_crossed, review_crossed = EXCLUDED.review_crossed,
        problem = EXCLUDED.problem, updated_at = now()
    ), year_to_date AS (
      UPDATE billing_year_to_date SET
        charges_cents = charges_cents + ${deltaCents},
        kx_crossed_episode_id = CASE WHEN ${charges.kxCrossed} AND NOT kx_crossed THEN ${episode.episodeId} ELSE kx_crossed_episode_id END,
        kx_crossed_on = CASE WHEN ${charges.kxCrossed} AND NOT kx_crossed THEN ${serviceDate}::date ELSE kx_crossed_on END,
        kx_crossed = kx_crossed OR ${charges.kxCrossed},
        review_crossed_episode_id =
          CASE WHEN ${charges.reviewCrossed} AND NOT review_crossed THEN ${episode.episodeId} ELSE review_crossed_episode_id END,
        review_crossed_on = CASE WHEN ${charges.reviewCrossed} AND NOT review_crossed THEN ${serviceDate}::date ELSE review_crossed_on END,
        review_crossed = review_crossed OR ${charges.reviewCrossed},
        updated_at = now()
      WHERE patient_key = ${episode.patientKey} AND payer_id = ${episode.payerId} AND year = ${Number(serviceDate.slice(0, 4))}
    )
    INSERT INTO billing_outbox (message_id, key, headers, value)
    VALUES (${message.headers['ce_id'] ?? ''}, ${message.key}, ${json(message.headers)}::text::jsonb, ${message.value}::text::jsonb)
    ON CONFLICT (message_id) DO NOTHING`;
};

export const currentClaim = async (tx: TransactionSql, episodeId: string, payerId: string): Promise<StoredClaim | undefined> => {
  const [row] = await tx<
    {
      claim_id: string;
      version: number;
      original_claim_id: string;
      diagnosis_codes: string[];
      lines: Claim['lines'];
      total_charge_cents: number;
    }[]
  >`
    SELECT claim_id, version, original_claim_id, array_to_json(diagnosis_codes) AS diagnosis_codes, lines, total_charge_cents::int AS total_charge_cents
    FROM billing_claims WHERE episode_id = ${episodeId} AND payer_id = ${payerId} AND status = 'current'`;
  return (
    row && {
      claimId: row.claim_id,
      version: row.version,
      originalClaimId: row.original_claim_id,
      diagnosisCodes: row.diagnosis_codes,
      lines: row.lines,
      totalChargeCents: row.total_charge_cents,
    }
  );
};

/** The new version becomes current; the one it replaces stays, marked replaced. */
export const saveClaim = async (
  tx: TransactionSql,
  episode: BillingEpisode,
  claim: Claim,
  version: number,
  originalClaimId: string,
): Promise<void> => {
  if (claim.replacesClaimId !== undefined) {
    await tx`UPDATE billing_claims SET status = 'replaced' WHERE claim_id = ${claim.replacesClaimId}`;
  }
  await tx`
    INSERT INTO billing_claims (
      claim_id, episode_id, payer_id, version, frequency_code, replaces_claim_id, original_claim_id, diagnosis_codes,
      lines, total_charge_cents, status)
    VALUES (
      ${claim.claimId}, ${episode.episodeId}, ${episode.payerId}, ${version}, ${claim.frequencyCode},
      ${claim.replacesClaimId ?? null}, ${originalClaimId}, ARRAY(SELECT jsonb_array_elements_text(${json(claim.diagnosisCodes)}::text::jsonb)),
      ${json(claim.lines)}::text::jsonb, ${claim.totalChargeCents}, 'current')`;
};

/** A message for careflow.billing-charges.v1, committed with the change it announces (docs/billing.md). */
export const enqueueMessage = async (tx: TransactionSql, message: KafkaMessage): Promise<void> => {
  await tx`
    INSERT INTO billing_outbox (message_id, key, headers, value)
    VALUES (${message.headers['ce_id'] ?? ''}, ${message.key}, ${json(message.headers)}::text::jsonb, ${message.value}::text::jsonb)
    ON CONFLICT (message_id) DO NOTHING`;
};
