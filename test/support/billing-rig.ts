/**
 * Test code only: what billing's tests share. Episodes are decided by the domain (its fixtures), mapped
 * to integration events by the contracts' mapping and sent as the relay would; every test makes its own
 * episode, patient key, payer and therapist, so tests share billing's tables without seeing each other.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Message } from 'kafkajs';
import type { Sql } from 'postgres';
import { episodeEventMessage, toIntegrationEvent } from '@careflow/contracts';
import type { CareEpisodeCommand, CareEpisodeEvent, PayerSettings, SessionDocumentation } from '@careflow/domain';
import * as f from '@careflow/domain/testing';

export interface TestEpisode {
  readonly episodeId: string;
  readonly patientKey: string;
  readonly payerId: string;
  readonly therapistId: string;
  readonly departmentId: string;
}

export const newTestEpisode = (patientKey = randomBytes(32).toString('hex'), payerId = `payer-${randomUUID()}`): TestEpisode => ({
  episodeId: `test-billing-${randomUUID()}`,
  patientKey,
  payerId,
  therapistId: `therapist-${randomUUID()}`,
  departmentId: `department-${randomUUID()}`,
});

/** A session by the episode's therapist. */
export const session = (
  episode: TestEpisode,
  sessionId: string,
  date: string,
  overrides: Partial<SessionDocumentation> = {},
): CommandOf<'RecordSession'> =>
  f.recordSession(sessionId, date, { therapist: { therapistId: episode.therapistId, licenseExpiresOn: '2027-06-30' }, ...overrides });

type CommandOf<T extends CareEpisodeCommand['type']> = Extract<CareEpisodeCommand, { type: T }>;

/** Referral (to the episode's payer), routing to and acceptance by its therapist, intake, evaluation (97162 on 2025-03-05), plan, certification. */
export const certifiedEpisode = (episode: TestEpisode, referral: Parameters<typeof f.referral>[0] = {}): CareEpisodeCommand[] => [
  f.receiveReferral({ referral: f.referral({ payer: { payerId: episode.payerId }, ...referral }) }),
  f.routeReferral({ therapists: [f.therapistProfile(episode.therapistId, { availability: 0.9 })] }),
  f.acceptOffer({ therapistId: episode.therapistId }),
  f.recordIntake(),
  f.recordAssessment(),
  f.establishPlan(),
  f.certify(),
];

/** Each domain event as the relay would publish it: stable event ids, so sending the list twice is a redelivery. */
export const episodeMessages = (episode: TestEpisode, events: readonly CareEpisodeEvent[], firstVersion = 1): Message[] =>
  events.map((event, index) => {
    const message = episodeEventMessage(
      {
        key: episode.episodeId,
        source: 'careflow/test',
        event: {
          eventId: randomUUID(),
          streamId: episode.episodeId,
          streamVersion: firstVersion + index,
          globalPosition: firstVersion + index,
          type: event.type,
          metadata: { occurredAt: event.occurredAt },
        },
      },
      toIntegrationEvent(event, { episodeId: episode.episodeId, patientKey: episode.patientKey, departmentId: episode.departmentId }),
    );
    return { key: message.key, value: message.value, headers: { ...message.headers } };
  });

/** The payer's settings and the therapist's provider type, written as the api's admin route and the directory would. */
export const configureBilling = async (
  superuser: Sql,
  episode: TestEpisode,
  settings: PayerSettings,
  providerType: string | null = 'physical-therapist',
): Promise<void> => {
  await superuser`
    INSERT INTO payers (payer_id, settings) VALUES (${episode.payerId}, ${JSON.stringify(settings)}::text::jsonb)
    ON CONFLICT (payer_id) DO UPDATE SET settings = EXCLUDED.settings`;
  await superuser`
    INSERT INTO therapists (therapist_id, department_id, profile, provider_type)
    VALUES (${episode.therapistId}, 'department-1', '{}'::jsonb, ${providerType})
    ON CONFLICT (therapist_id) DO UPDATE SET provider_type = EXCLUDED.provider_type`;
};

export interface ChargeRow {
  readonly serviceDate: string;
  readonly departmentId: string | null;
  readonly version: number;
  readonly amountCents: number;
  readonly billedUnits: number;
  readonly held: boolean;
  readonly notesSigned: boolean;
  readonly kxCrossed: boolean;
  readonly certificationStanding: string;
  readonly problem: string | null;
  readonly lines: { code: string; units: number; modifiers: string[]; amountCents: number; billable: boolean }[];
}

export const chargesOf = (sql: Sql, episodeId: string): Promise<ChargeRow[]> =>
  sql<ChargeRow[]>`
    SELECT service_date::text AS "serviceDate", department_id AS "departmentId", version, amount_cents::int AS "amountCents", billed_units AS "billedUnits",
           held, notes_signed AS "notesSigned", kx_crossed AS "kxCrossed", certification_standing AS "certificationStanding",
           problem, lines
    FROM billing_charges WHERE episode_id = ${episodeId} ORDER BY service_date`;

export interface ClaimRow {
  readonly claimId: string;
  readonly version: number;
  readonly frequencyCode: string;
  readonly replacesClaimId: string | null;
  readonly originalClaimId: string;
  readonly status: string;
  readonly totalChargeCents: number;
  readonly diagnosisCodes: string[];
  readonly lines: {
    serviceDate: string;
    code: string;
    units: number;
    modifiers: string[];
    diagnosisPointers: number[];
    chargeCents: number;
  }[];
}

export const claimsOf = (sql: Sql, episodeId: string): Promise<ClaimRow[]> =>
  sql<ClaimRow[]>`
    SELECT claim_id AS "claimId", version, frequency_code AS "frequencyCode", replaces_claim_id AS "replacesClaimId",
           original_claim_id AS "originalClaimId", status, total_charge_cents::int AS "totalChargeCents",
           array_to_json(diagnosis_codes) AS "diagnosisCodes", lines
    FROM billing_claims WHERE episode_id = ${episodeId} ORDER BY version`;

export interface YearToDateRow {
  readonly chargesCents: number;
  readonly kxCrossed: boolean;
  readonly kxCrossedEpisodeId: string | null;
  readonly kxCrossedOn: string | null;
  readonly reviewCrossed: boolean;
}

export const yearToDateOf = async (sql: Sql, patientKey: string, payerId: string, year: number): Promise<YearToDateRow | undefined> => {
  const [row] = await sql<YearToDateRow[]>`
    SELECT charges_cents::int AS "chargesCents", kx_crossed AS "kxCrossed", kx_crossed_episode_id AS "kxCrossedEpisodeId",
           kx_crossed_on::text AS "kxCrossedOn", review_crossed AS "reviewCrossed"
    FROM billing_year_to_date WHERE patient_key = ${patientKey} AND payer_id = ${payerId} AND year = ${year}`;
  return row;
};

/** Billing messages waiting in the outbox for an episode (ce_type and value), in outbox order. */
export const outboxOf = (sql: Sql, episodeId: string): Promise<{ type: string; id: string; value: Record<string, unknown> }[]> =>
  sql<{ type: string; id: string; value: Record<string, unknown> }[]>`
    SELECT headers->>'ce_type' AS type, message_id AS id, value FROM billing_outbox WHERE key = ${episodeId} ORDER BY position`;
