/**
 * `GET /worklists/{kind}`: reporting's worklist views (docs/reporting.md), ids and dates only, filtered in
 * SQL by the caller's departments as the episode registry records them.
 */
import type { Sql } from 'postgres';
import { z } from 'zod';
import type { DepartmentFilter } from '@careflow/auth';
import { departmentCondition, offsetOf, pageSize } from '../reads/department-filter';
import { pageParameter } from '../episodes-read/episode-list';
import { camelCaseKeys } from '../reads/rows';

/** The worklists a clinic works from, by the name in the URL, and the view that keeps each. */
export const worklistViews = {
  'progress-reports-due': 'worklist_progress_reports_due',
  'certifications-due': 'worklist_certifications_due',
  'authorizations-low': 'worklist_authorizations_low',
  're-evaluations-due': 'worklist_re_evaluations_due',
  'unsigned-notes': 'worklist_unsigned_notes',
  'plateau-decisions-pending': 'worklist_plateau_decisions_pending',
  'sessions-past-certified-period': 'worklist_sessions_past_certified_period',
  'sessions-beyond-authorization': 'worklist_sessions_beyond_authorization',
  'review-thresholds-crossed': 'worklist_review_thresholds_crossed',
} as const;
export type WorklistKind = keyof typeof worklistViews;

export const isWorklistKind = (value: string): value is WorklistKind => Object.hasOwn(worklistViews, value);

export const worklistQuery = z.strictObject({
  therapist: z
    .string()
    .regex(/^[A-Za-z0-9._:@-]{1,100}$/, { error: 'must be an id' })
    .meta({ description: "The therapist's id." })
    .optional(),
  page: pageParameter,
});
export type WorklistQuery = z.infer<typeof worklistQuery>;

export const readWorklist = async (sql: Sql, filter: DepartmentFilter, kind: WorklistKind, query: WorklistQuery) => {
  // The view name comes from the fixed table above, never from the request.
  const items = await sql<Record<string, unknown>[]>`
    SELECT v.*, e.department_id AS registry_department_id
    FROM ${sql(worklistViews[kind])} v
    JOIN episodes e ON e.episode_id = v.episode_id
    WHERE ${departmentCondition(sql, filter, sql`e.department_id`)}
      ${query.therapist === undefined ? sql`` : sql`AND v.therapist_id = ${query.therapist}`}
    ORDER BY v.episode_id
    LIMIT ${pageSize} OFFSET ${offsetOf(query.page)}`;
  return {
    kind,
    page: query.page,
    pageSize,
    // The registry's department is the one access is decided on; the view's copy is dropped.
    items: items.map(({ registry_department_id: departmentId, department_id: _copy, ...row }) =>
      camelCaseKeys({ ...row, department_id: departmentId }),
    ),
  };
};
