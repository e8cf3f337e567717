import type { Sql } from 'postgres';
import type { CareEpisodeEvent } from '@careflow/domain';
import { toIntegrationEvent, type IntegrationEvent } from '@careflow/contracts';
import type { PatientKeyring } from './patient-key';

/** What the mapping needs of a stored care-episode event (the event store's RecordedEvent fits). */
export interface StoredEpisodeEvent {
  readonly streamId: string;
  readonly data: object;
  /** The department the workflow recorded with the event (none on events recorded before it was kept). */
  readonly metadata: { readonly departmentId?: string };
}

/** Patient keys of the streams seen lately: an episode's events come in runs, the referral is read once. */
const rememberedEpisodes = 10_000;

/**
 * Stored domain events → the integration events the relay publishes: what the relay and every
 * rebuild from the event store share, so a rebuild folds exactly what went on the topic. The patient
 * key is derived from the MRN of the episode's ReferralReceived and the deployment's facility; the
 * MRN is read here and hashed, and never leaves this module. `sql` must be allowed to read events.
 */
export const createIntegrationEvents = (sql: Sql, keyring: PatientKeyring, facilityId: string) => {
  const patientKeys = new Map<string, string>();

  const remember = (episodeId: string, key: string): void => {
    if (patientKeys.size >= rememberedEpisodes) {
      const oldest = patientKeys.keys().next();
      if (oldest.done !== true) patientKeys.delete(oldest.value);
    }
    patientKeys.set(episodeId, key);
  };

  return {
    /** Reads the patient keys of the episodes not known yet (one query for all of them). */
    async loadPatientKeys(episodeIds: readonly string[]): Promise<void> {
      const missing = [...new Set(episodeIds)].filter((id) => !patientKeys.has(id));
      if (missing.length === 0) return;
      const rows = await sql<{ stream_id: string; mrn: string | null }[]>`
        SELECT stream_id, data->'referral'->'patient'->>'mrn' AS mrn
        FROM events
        WHERE stream_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(missing)}::text::jsonb)) AND type = 'ReferralReceived'`;
      for (const row of rows) if (row.mrn) remember(row.stream_id, keyring(facilityId, row.mrn));
    },

    /** The episode's patient key once loaded; undefined when the episode has no referral with a patient. */
    patientKeyOf: (episodeId: string): string | undefined => patientKeys.get(episodeId),

    /**
     * The integration event (current version) of a stored event with its patient key.
     * @throws whatever `toIntegrationEvent` throws for data that is not a domain event
     */
    integrationEventOf: (stored: StoredEpisodeEvent, patientKey: string): IntegrationEvent =>
      // Stored care-episode events are the domain's events as decided (the workflow appends them whole).
      toIntegrationEvent(stored.data as CareEpisodeEvent, {
        episodeId: stored.streamId,
        patientKey,
        ...(stored.metadata.departmentId === undefined ? {} : { departmentId: stored.metadata.departmentId }),
      }),
  };
};

export type IntegrationEvents = ReturnType<typeof createIntegrationEvents>;
