import type { Sql } from 'postgres';
import type { RoutingCandidates } from '@careflow/contracts';
import type { HeldCertificate, TherapistProfile } from '@careflow/domain';
import type { TherapistDirectory } from './activities';

type StoredProfile = Omit<TherapistProfile, 'therapistId' | 'departmentId' | 'activeEpisodeCount' | 'specialtyCertificates'> & {
  /** Profiles written before certificates carried an expiry name them only. */
  specialtyCertificates: ReadonlyArray<HeldCertificate | string>;
};

interface TherapistRow {
  therapist_id: string;
  department_id: string;
  profile: StoredProfile;
  active_episodes: number;
}

/**
 * A certificate stored without its expiry cannot be shown valid through the plan, so routing does not
 * count it until the directory records when it expires.
 */
export const certificatesWithExpiry = (stored: StoredProfile['specialtyCertificates']): HeldCertificate[] =>
  stored.filter((held): held is HeldCertificate => typeof held !== 'string');

/**
 * The department's therapists from the `therapists` table, with their current caseload counted from
 * the episode summaries, and the therapists who accepted earlier episodes of the same patient
 * (continuity). The patient is matched inside the database; no identifier leaves it.
 */
export const createPostgresTherapistDirectory = (sql: Sql): TherapistDirectory => ({
  async findRoutingCandidates(departmentId, episodeId): Promise<RoutingCandidates> {
    const rows = await sql<TherapistRow[]>`
      SELECT t.therapist_id, t.department_id, t.profile,
             (SELECT count(*)::int FROM episode_summaries s
               WHERE s.therapist_id = t.therapist_id AND s.status IN ('active', 'onhold')) AS active_episodes
        FROM therapists t
       WHERE t.department_id = ${departmentId} AND t.active`;
    const previous = await sql<{ therapist_id: string }[]>`
      WITH this_patient AS (
        SELECT data->'referral'->'patient'->>'mrn' AS mrn
          FROM events WHERE stream_id = ${episodeId} AND type = 'ReferralReceived'
      )
      SELECT DISTINCT accepted.data->>'therapistId' AS therapist_id
        FROM events referral
        JOIN this_patient ON referral.data->'referral'->'patient'->>'mrn' = this_patient.mrn
        JOIN events accepted ON accepted.stream_id = referral.stream_id AND accepted.type = 'OfferAccepted'
       WHERE referral.type = 'ReferralReceived' AND referral.stream_id <> ${episodeId}`;
    return {
      therapists: rows.map((row) => ({
        ...row.profile,
        specialtyCertificates: certificatesWithExpiry(row.profile.specialtyCertificates),
        therapistId: row.therapist_id,
        departmentId: row.department_id,
        activeEpisodeCount: row.active_episodes,
      })),
      previousTherapistIds: previous.map((row) => row.therapist_id),
    };
  },
});
