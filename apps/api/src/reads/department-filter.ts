/**
 * The department filter of every list, in SQL (docs/api-reads.md#lists): the same departmentFilter that
 * libs/auth derives from the permission table, applied to the episode registry's department (the one
 * EpisodeAccess checks on a direct read), so a list can never show what a direct read refuses.
 */
import type { Fragment, Sql } from 'postgres';
import type { DepartmentFilter } from '@careflow/auth';

/** `<column> is one of the caller's departments` (or true for a hospital-wide operation). */
export const departmentCondition = (sql: Sql, filter: DepartmentFilter, column: Fragment): Fragment =>
  filter.kind === 'all'
    ? sql`true`
    : sql`${column} IN (SELECT jsonb_array_elements_text(${JSON.stringify(filter.departments)}::text::jsonb))`;

/** Lists answer pages of this size; `page` counts from 1. */
export const pageSize = 50;

export const offsetOf = (page: number): number => (page - 1) * pageSize;
