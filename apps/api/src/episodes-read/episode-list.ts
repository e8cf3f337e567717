/**
 * `GET /episodes`: episode summaries (reporting's read model: ids, codes, dates and counts, no patient
 * identity), filtered in SQL by the caller's departments as the episode registry records them.
 */
import type { Sql } from 'postgres';
import { z } from 'zod';
import type { DepartmentFilter } from '@careflow/auth';
import { departmentCondition, offsetOf, pageSize } from '../reads/department-filter';

const isoDate = z.iso.date({ error: 'must be a calendar date (YYYY-MM-DD)' });
const identifier = z.string().regex(/^[A-Za-z0-9._:@-]{1,100}$/, { error: 'must be an id' });

export const pageParameter = z.coerce
  .number({ error: 'must be a page number from 1' })
  .int()
  .min(1)
  .max(10_000)
  .meta({ description: `Pages of ${pageSize}, from 1.` })
  .default(1);

export const episodeListQuery = z.strictObject({
  status: z.enum(['planned', 'waitlist', 'active', 'onhold', 'finished', 'cancelled'], { error: 'must be an episode status' }).optional(),
  therapist: identifier.meta({ description: "The therapist's id." }).optional(),
  due: isoDate
    .meta({
      description: 'Open episodes with a certification due, the plan period ending, or the authorization ending on or before this day.',
    })
    .optional(),
  page: pageParameter,
});
export type EpisodeListQuery = z.infer<typeof episodeListQuery>;

export interface EpisodeListItem {
  readonly episodeId: string;
  readonly departmentId: string;
  readonly status: string;
  readonly priority: string | null;
  readonly therapistId: string | null;
  readonly payerId: string | null;
  readonly referralDate: string | null;
  readonly certificationStatus: string;
  readonly planPeriodEnd: string | null;
  readonly visitsDelivered: number;
  readonly lastSessionOn: string | null;
  readonly dischargedOn: string | null;
  readonly lastEventAt: Date;
}

export interface EpisodePage<T> {
  readonly page: number;
  readonly pageSize: number;
  readonly items: readonly T[];
}

export const listEpisodes = async (sql: Sql, filter: DepartmentFilter, query: EpisodeListQuery): Promise<EpisodePage<EpisodeListItem>> => {
  const items = await sql<EpisodeListItem[]>`
    SELECT s.episode_id AS "episodeId", e.department_id AS "departmentId", s.status, s.priority,
           s.therapist_id AS "therapistId", s.payer_id AS "payerId", s.referral_date::text AS "referralDate",
           s.certification_status AS "certificationStatus", s.plan_period_end::text AS "planPeriodEnd",
           s.visits_delivered AS "visitsDelivered", s.last_session_on::text AS "lastSessionOn",
           s.discharged_on::text AS "dischargedOn", s.last_occurred_at AS "lastEventAt"
    FROM episode_summaries s
    JOIN episodes e ON e.episode_id = s.episode_id
    LEFT JOIN episode_worklists w ON w.episode_id = s.episode_id
    WHERE ${departmentCondition(sql, filter, sql`e.department_id`)}
      ${query.status === undefined ? sql`` : sql`AND s.status = ${query.status}`}
      ${query.therapist === undefined ? sql`` : sql`AND s.therapist_id = ${query.therapist}`}
      ${
        query.due === undefined
          ? sql``
          : sql`AND w.open AND (w.certification_due_on <= ${query.due}::date OR w.plan_period_end <= ${query.due}::date
                                OR w.authorization_end_on <= ${query.due}::date)`
      }
    ORDER BY s.last_occurred_at DESC, s.episode_id
    LIMIT ${pageSize} OFFSET ${offsetOf(query.page)}`;
  return { page: query.page, pageSize, items };
};
