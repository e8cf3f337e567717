/**
 * Aggregate reports (docs/reporting.md): counts, rates and means per department, therapist or diagnosis
 * group. No episode, patient or claim is named, so the reports hold no direct identifier.
 */
import type { Sql } from 'postgres';
import { z } from 'zod';
import type { DepartmentFilter } from '@careflow/auth';
import { departmentCondition } from '../reads/department-filter';
import { camelCaseKeys } from '../reads/rows';

const outcomeViews = {
  department: 'outcomes_by_department',
  therapist: 'outcomes_by_therapist',
  'diagnosis-group': 'outcomes_by_diagnosis_group',
} as const;

export const outcomesQuery = z.strictObject({
  by: z
    .enum(['department', 'therapist', 'diagnosis-group'], { error: 'must be department, therapist or diagnosis-group' })
    .default('department'),
});
export type OutcomesQuery = z.infer<typeof outcomesQuery>;

export const outcomeReport = async (sql: Sql, filter: DepartmentFilter, query: OutcomesQuery) => ({
  by: query.by,
  rows: (
    await sql<Record<string, unknown>[]>`
      SELECT * FROM ${sql(outcomeViews[query.by])} v
      WHERE ${departmentCondition(sql, filter, sql`v.department_id`)}
      ORDER BY 1, 2, 3`
  ).map(camelCaseKeys),
});

/** Compliance: the operations figures, discharge reasons and the count of each compliance finding. */
export const complianceReport = async (sql: Sql, filter: DepartmentFilter) => {
  const inScope = departmentCondition(sql, filter, sql`department_id`);
  const [operations, dischargeReasons, findings] = await Promise.all([
    sql<Record<string, unknown>[]>`SELECT * FROM department_operations WHERE ${inScope} ORDER BY department_id`,
    sql<Record<string, unknown>[]>`
      SELECT * FROM department_discharge_reasons WHERE ${inScope} ORDER BY department_id, discharge_reason`,
    sql<Record<string, unknown>[]>`
      SELECT department_id, finding, count(*)::integer AS count FROM (
        SELECT department_id, 'certification-delinquent' AS finding FROM worklist_certifications_due WHERE delinquent
        UNION ALL SELECT department_id, 'progress-report-overdue' FROM worklist_progress_reports_due WHERE overdue
        UNION ALL SELECT department_id, 'note-unsigned-overdue' FROM worklist_unsigned_notes WHERE overdue
        UNION ALL SELECT department_id, 'session-past-certified-period' FROM worklist_sessions_past_certified_period
        UNION ALL SELECT department_id, 'session-beyond-authorization' FROM worklist_sessions_beyond_authorization
        UNION ALL SELECT department_id, 'review-threshold-crossed' FROM worklist_review_thresholds_crossed
      ) f
      WHERE ${inScope}
      GROUP BY department_id, finding
      ORDER BY department_id, finding`,
  ]);
  return {
    operations: operations.map(camelCaseKeys),
    dischargeReasons: dischargeReasons.map(camelCaseKeys),
    findings: findings.map(camelCaseKeys),
  };
};
