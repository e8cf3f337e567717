import type { Sql } from 'postgres';
import type { CareEpisodeEvent } from '@careflow/domain';
import { episodeEventMessage, IntegrationEventMismatchError, toIntegrationEvent, type KafkaMessage } from '@careflow/contracts';
import type { OutboxMessage } from '@careflow/event-store';
import type { PatientKeyring } from '@careflow/messaging';

/** One outbox row ready for Kafka, or the reason it cannot go there (never its data). */
export type RelayMessage =
  | { readonly kind: 'publish'; readonly topic: string; readonly message: KafkaMessage }
  | { readonly kind: 'unpublishable'; readonly topic: string; readonly headers: Readonly<Record<string, string>>; readonly reason: string };

/** Patient keys of the streams seen lately: an episode's events come in runs, the referral is read once. */
const rememberedEpisodes = 10_000;

/**
 * Turns outbox rows into Kafka messages: the integration event of each stored domain event, keyed by
 * episode, with the patient key derived from the MRN of the episode's ReferralReceived and the
 * deployment's facility. The MRN is read here and hashed; it never leaves this module.
 */
export const createEpisodeMessages = (sql: Sql, keyring: PatientKeyring, facilityId: string) => {
  const patientKeys = new Map<string, string>();

  const remember = (episodeId: string, key: string): void => {
    if (patientKeys.size >= rememberedEpisodes) {
      const oldest = patientKeys.keys().next();
      if (oldest.done !== true) patientKeys.delete(oldest.value);
    }
    patientKeys.set(episodeId, key);
  };

  const loadPatientKeys = async (episodeIds: readonly string[]): Promise<void> => {
    const missing = [...new Set(episodeIds)].filter((id) => !patientKeys.has(id));
    if (missing.length === 0) return;
    const rows = await sql<{ stream_id: string; mrn: string | null }[]>`
      SELECT stream_id, data->'referral'->'patient'->>'mrn' AS mrn
      FROM events
      WHERE stream_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(missing)}::text::jsonb)) AND type = 'ReferralReceived'`;
    for (const row of rows) if (row.mrn) remember(row.stream_id, keyring(facilityId, row.mrn));
  };

  const toMessage = (row: OutboxMessage): RelayMessage => {
    const patientKey = patientKeys.get(row.key);
    const unpublishable = (reason: string): RelayMessage => ({ kind: 'unpublishable', topic: row.topic, headers: row.headers, reason });
    if (patientKey === undefined) return unpublishable('the episode has no referral with a patient record, so no patient key');
    try {
      // Stored care-episode events are the domain's events as decided (the workflow appends them whole).
      const event = toIntegrationEvent(row.event.data as unknown as CareEpisodeEvent, {
        episodeId: row.key,
        patientKey,
        ...(row.event.metadata.departmentId === undefined ? {} : { departmentId: row.event.metadata.departmentId }),
      });
      return { kind: 'publish', topic: row.topic, message: episodeEventMessage(row, event) };
    } catch (error) {
      // Only our own mismatch error is known to name fields and never values; any other message could quote the event.
      if (error instanceof IntegrationEventMismatchError) return unpublishable(`${error.name}: ${error.message}`);
      return unpublishable(error instanceof Error ? `${error.name}: the event could not be mapped` : 'the event could not be mapped');
    }
  };

  return {
    async messagesOf(rows: readonly OutboxMessage[]): Promise<RelayMessage[]> {
      await loadPatientKeys(rows.map((row) => row.key));
      return rows.map(toMessage);
    },
  };
};
