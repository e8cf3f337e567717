/**
 * `GET /therapists`: the department's therapists as routing sees them (migration 3's directory): licences
 * and specialty certificates with their expiry, board certifications, caseload against its limit.
 */
import type { Sql } from 'postgres';
import type { DepartmentFilter } from '@careflow/auth';
import type { TherapistProfile } from '@careflow/domain';
import { departmentCondition } from '../reads/department-filter';

interface TherapistRow {
  readonly therapist_id: string;
  readonly department_id: string;
  readonly active: boolean;
  readonly provider_type: string | null;
  readonly profile: Partial<TherapistProfile>;
  readonly active_episodes: number | null;
  readonly on_hold_episodes: number | null;
}

export const listTherapists = async (sql: Sql, filter: DepartmentFilter) => {
  const rows = await sql<TherapistRow[]>`
    SELECT t.therapist_id, t.department_id, t.active, t.provider_type, t.profile, c.active_episodes, c.on_hold_episodes
    FROM therapists t
    LEFT JOIN therapist_caseloads c ON c.therapist_id = t.therapist_id AND c.department_id = t.department_id
    WHERE ${departmentCondition(sql, filter, sql`t.department_id`)}
    ORDER BY t.department_id, t.therapist_id`;
  return rows.map((row) => ({
    therapistId: row.therapist_id,
    departmentId: row.department_id,
    active: row.active,
    providerType: row.provider_type,
    licenses: row.profile.licenses ?? [],
    specialtyCertificates: row.profile.specialtyCertificates ?? [],
    boardCertifications: row.profile.boardCertifications ?? [],
    caseload: {
      activeEpisodes: row.active_episodes ?? 0,
      onHoldEpisodes: row.on_hold_episodes ?? 0,
      ...(row.profile.caseloadLimit === undefined ? {} : { limit: row.profile.caseloadLimit }),
    },
    ...(row.profile.availability === undefined ? {} : { availability: row.profile.availability }),
  }));
};
