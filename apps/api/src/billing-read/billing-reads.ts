/**
 * Billing's read model as the API shows it (docs/billing.md): an episode's charges per session day and
 * the department's claims. Claims carry codes and amounts; billing's subscriber details are rendered
 * by billing itself, never here.
 */
import type { Sql } from 'postgres';
import { z } from 'zod';
import type { DepartmentFilter } from '@careflow/auth';
import type { ChargeLine } from '@careflow/domain';
import { departmentCondition, offsetOf, pageSize } from '../reads/department-filter';
import { pageParameter } from '../episodes-read/episode-list';

/** One session day's charge, current version, as billing keeps it (docs/billing.md). */
export interface EpisodeCharge {
  readonly serviceDate: string;
  readonly version: number;
  readonly payerId: string;
  readonly therapistId: string | null;
  readonly providerType: string | null;
  readonly lines: readonly ChargeLine[];
  readonly billedUnits: number;
  readonly amountCents: number;
  readonly certificationStanding: string;
  readonly held: boolean;
  readonly flagged: boolean;
  readonly notesSigned: boolean;
  readonly kxCrossed: boolean;
  readonly reviewCrossed: boolean;
  readonly problem: string | null;
}

export const chargesOfEpisode = (sql: Sql, episodeId: string) =>
  sql<EpisodeCharge[]>`
    SELECT service_date::text AS "serviceDate", version, payer_id AS "payerId", therapist_id AS "therapistId",
           provider_type AS "providerType", lines, billed_units AS "billedUnits", amount_cents::integer AS "amountCents",
           certification_standing AS "certificationStanding", held, flagged, notes_signed AS "notesSigned",
           kx_crossed AS "kxCrossed", review_crossed AS "reviewCrossed", problem
    FROM billing_charges
    WHERE episode_id = ${episodeId}
    ORDER BY service_date`;

export const claimsQuery = z.strictObject({
  status: z.enum(['current', 'replaced'], { error: 'must be current or replaced' }).optional(),
  page: pageParameter,
});
export type ClaimsQuery = z.infer<typeof claimsQuery>;

export const listClaims = async (sql: Sql, filter: DepartmentFilter, query: ClaimsQuery) => {
  const items = await sql<Record<string, unknown>[]>`
    SELECT c.claim_id AS "claimId", c.episode_id AS "episodeId", e.department_id AS "departmentId", c.payer_id AS "payerId",
           c.version, c.frequency_code AS "frequencyCode", c.replaces_claim_id AS "replacesClaimId",
           c.original_claim_id AS "originalClaimId", to_jsonb(c.diagnosis_codes) AS "diagnosisCodes", c.lines,
           c.total_charge_cents::integer AS "totalChargeCents", c.status, c.created_at AS "createdAt"
    FROM billing_claims c
    JOIN episodes e ON e.episode_id = c.episode_id
    WHERE ${departmentCondition(sql, filter, sql`e.department_id`)}
      ${query.status === undefined ? sql`` : sql`AND c.status = ${query.status}`}
    ORDER BY c.created_at DESC, c.claim_id
    LIMIT ${pageSize} OFFSET ${offsetOf(query.page)}`;
  return { page: query.page, pageSize, items };
};
