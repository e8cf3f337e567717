/**
 * Billing's tables (migration 6, docs/billing.md), read and written inside the consumer's transaction.
 * No statement here reads the event log or anything that identifies the patient. Lists go as JSON: the
 * apps' database clients do not fetch array types (fetch_types: false), so sql.array is not available.
 */
import type { TransactionSql } from 'postgres';
import { defaultPayerSettings, type Claim, type PayerSettings, type ProviderType } from '@careflow/domain';
import type { KafkaMessage } from '@careflow/contracts';
import { unrecordedProviderType, type BillingVisit, type ChargeSet, type VisitLine } from './charges';

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

export const loadEpisode = async (tx: TransactionSql, episodeId: string): Promise<BillingEpisode | undefined> => {
  const [row] = await tx<EpisodeRow[]>`
    SELECT episode_id, patient_key, payer_id, department_id, array_to_json(diagnosis_codes) AS diagnosis_codes, therapist_id, discharged_on::text AS discharged_on
    FROM billing_episodes WHERE episode_id = ${episodeId}`;
  return (
    row && {
      episodeId: row.episode_id,
      patientKey: row.patient_key,
      payerId: row.payer_id,
      departmentId: orUndefined(row.department_id),
      diagnosisCodes: row.diagnosis_codes,
      therapistId: orUndefined(row.therapist_id),
      dischargedOn: orUndefined(row.discharged_on),
    }
  );
};

/** A redelivered visit changes nothing: the first recording stands. */
export const addVisit = async (tx: TransactionSql, episodeId: string, visit: BillingVisit): Promise<void> => {
  await tx`
    INSERT INTO billing_visits (episode_id, visit_id, kind, service_date, therapist_id, lines, self_pay, signed, certification_standing)
    VALUES (${episodeId}, ${visit.visitId}, ${visit.kind}, ${visit.serviceDate}, ${visit.therapistId ?? null},
            ${json(visit.lines)}::text::jsonb, ${visit.selfPay}, ${visit.signed}, ${visit.certificationStanding})
    ON CONFLICT (episode_id, visit_id) DO NOTHING`;
};

export const updateVisit = async (
  tx: TransactionSql,
  episodeId: string,
  visitId: string,
  change: Partial<Pick<BillingVisit, 'lines' | 'signed' | 'certificationStanding'>>,
): Promise<void> => {
  await tx`
    UPDATE billing_visits SET
      lines = coalesce(${change.lines === undefined ? null : json(change.lines)}::text::jsonb, lines),
      signed = coalesce(${change.signed ?? null}, signed),
      certification_standing = coalesce(${change.certificationStanding ?? null}, certification_standing)
    WHERE episode_id = ${episodeId} AND visit_id = ${visitId}`;
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

/** The episode's visits, or those of one day; evaluations first, then by id, so a day's first visit is stable. */
export const loadVisits = async (tx: TransactionSql, episodeId: string, serviceDate?: string): Promise<BillingVisit[]> => {
  const rows = await tx<VisitRow[]>`
    SELECT visit_id, kind, service_date::text AS service_date, therapist_id, lines, self_pay, signed, certification_standing
    FROM billing_visits
    WHERE episode_id = ${episodeId} AND (${serviceDate ?? null}::date IS NULL OR service_date = ${serviceDate ?? null}::date)
    ORDER BY kind = 'session', visit_id`;
  return rows.map(visitOf);
};

/** The payer's settings; a payer nobody configured yet gets the rules page's defaults, which have no fee schedule. */
export const payerSettings = async (tx: TransactionSql, payerId: string): Promise<PayerSettings> => {
  const [row] = await tx<{ settings: PayerSettings }[]>`SELECT settings FROM payers WHERE payer_id = ${payerId}`;
  return row?.settings ?? defaultPayerSettings;
};

export const providerTypeOf = async (tx: TransactionSql, therapistId: string | undefined): Promise<ProviderType> => {
  if (therapistId === undefined) return unrecordedProviderType;
  const [row] = await tx<{ provider_type: ProviderType | null }[]>`
    SELECT provider_type FROM therapists WHERE therapist_id = ${therapistId}`;
  return row?.provider_type ?? unrecordedProviderType;
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

/** The episode's current charge sets, or one day's, by date. */
export const loadCharges = async (tx: TransactionSql, episodeId: string, serviceDate?: string): Promise<StoredChargeSet[]> => {
  const rows = await tx<ChargeRow[]>`
    SELECT service_date::text AS service_date, version, therapist_id, provider_type, lines, billed_units,
           amount_cents::int AS amount_cents, year_to_date_before_cents::int AS year_to_date_before_cents,
           certification_standing, held, flagged, notes_signed, kx_crossed, review_crossed, problem
    FROM billing_charges
    WHERE episode_id = ${episodeId} AND (${serviceDate ?? null}::date IS NULL OR service_date = ${serviceDate ?? null}::date)
    ORDER BY service_date`;
  return rows.map(chargeSetOfRow);
};

export const saveCharges = async (
  tx: TransactionSql,
  episode: BillingEpisode,
  serviceDate: string,
  version: number,
  charges: ChargeSet,
): Promise<void> => {
  await tx`
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
      problem = EXCLUDED.problem, updated_at = now()`;
};

/**
 * The patient's year with the payer, locked until the transaction ends: two episodes of one patient
 * consumed at once (other partitions) take turns, so each day's charges see the others'.
 */
export const lockYearToDate = async (tx: TransactionSql, patientKey: string, payerId: string, year: number): Promise<YearToDate> => {
  const [row] = await tx<{ charges_cents: number; kx_crossed: boolean; review_crossed: boolean }[]>`
    INSERT INTO billing_year_to_date (patient_key, payer_id, year) VALUES (${patientKey}, ${payerId}, ${year})
    ON CONFLICT (patient_key, payer_id, year) DO UPDATE SET year = EXCLUDED.year
    RETURNING charges_cents::int AS charges_cents, kx_crossed, review_crossed`;
  if (!row) throw new Error('The year-to-date row could not be locked.');
  return { chargesCents: row.charges_cents, kxCrossed: row.kx_crossed, reviewCrossed: row.review_crossed };
};

/** Adds a day's change in charges to the year; a threshold is marked crossed once, by the day that crossed it. */
export const addToYearToDate = async (
  tx: TransactionSql,
  key: { readonly patientKey: string; readonly payerId: string; readonly year: number },
  change: {
    readonly deltaCents: number;
    readonly kxCrossed: boolean;
    readonly reviewCrossed: boolean;
    readonly episodeId: string;
    readonly serviceDate: string;
  },
): Promise<void> => {
  await tx`
    UPDATE billing_year_to_date SET
      charges_cents = charges_cents + ${change.deltaCents},
      kx_crossed_episode_id = CASE WHEN ${change.kxCrossed} AND NOT kx_crossed THEN ${change.episodeId} ELSE kx_crossed_episode_id END,
      kx_crossed_on = CASE WHEN ${change.kxCrossed} AND NOT kx_crossed THEN ${change.serviceDate}::date ELSE kx_crossed_on END,
      kx_crossed = kx_crossed OR ${change.kxCrossed},
      review_crossed_episode_id =
        CASE WHEN ${change.reviewCrossed} AND NOT review_crossed THEN ${change.episodeId} ELSE review_crossed_episode_id END,
      review_crossed_on = CASE WHEN ${change.reviewCrossed} AND NOT review_crossed THEN ${change.serviceDate}::date ELSE review_crossed_on END,
      review_crossed = review_crossed OR ${change.reviewCrossed},
      updated_at = now()
    WHERE patient_key = ${key.patientKey} AND payer_id = ${key.payerId} AND year = ${key.year}`;
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
