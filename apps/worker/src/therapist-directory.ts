import type { Sql } from 'postgres';
import type { RoutingCandidates } from '@careflow/contracts';
import { therapistProfileProblem, type HeldCertificate, type TherapistProfile } from '@careflow/domain';
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

/** A therapist left out of routing because the directory's profile row cannot be read as a profile. */
export interface InvalidTherapistProfile {
  readonly therapistId: string;
  readonly departmentId: string;
  /** Which field is wrong, never its value. */
  readonly problem: string;
}

export interface TherapistDirectoryOptions {
  /** Told of every profile skipped, so someone fixes the row; routing goes on with the others. */
  readonly reportInvalidProfile: (invalid: InvalidTherapistProfile) => void;
}

/**
 * A certificate stored without its expiry cannot be shown valid through the plan, so routing does not
 * count it until the directory records when it expires.
 */
export const certificatesWithExpiry = (stored: unknown): unknown =>
  // Anything but a list is left as it is, for the profile check to report.
  Array.isArray(stored) ? stored.filter((held: HeldCertificate | string) => typeof held !== 'string') : stored;

/**
 * The department's therapists from the `therapists` table, with their current caseload counted from
 * the episode summaries, and the therapists who accepted earlier episodes of the same patient
 * (continuity). The patient is matched inside the database; no identifier leaves it. One broken
 * profile row would make the whole routing command invalid, so it is skipped and reported instead.
 */
export const createPostgresTherapistDirectory = (sql: Sql, options: TherapistDirectoryOptions): TherapistDirectory => ({
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
    const therapists = rows.flatMap((row): TherapistProfile[] => {
      const therapist = {
        ...row.profile,
        specialtyCertificates: certificatesWithExpiry(row.profile.specialtyCertificates),
        therapistId: row.therapist_id,
        departmentId: row.department_id,
        activeEpisodeCount: row.active_episodes,
      };
      const problem = therapistProfileProblem(therapist);
      // Checked just above: the row is a whole profile.
      if (problem === undefined) return [therapist as TherapistProfile];
      options.reportInvalidProfile({ therapistId: row.therapist_id, departmentId: row.department_id, problem });
      return [];
    });
    return { therapists, previousTherapistIds: previous.map((row) => row.therapist_id) };
  },
});
