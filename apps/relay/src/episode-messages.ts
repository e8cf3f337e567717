import type { Sql } from 'postgres';
import { episodeEventMessage, IntegrationEventMismatchError, type KafkaMessage } from '@careflow/contracts';
import type { OutboxMessage } from '@careflow/event-store';
import { createIntegrationEvents, type PatientKeyring } from '@careflow/messaging';

/** One outbox row ready for Kafka, or the reason it cannot go there (never its data). */
export type RelayMessage =
  | { readonly kind: 'publish'; readonly topic: string; readonly message: KafkaMessage }
  | { readonly kind: 'unpublishable'; readonly topic: string; readonly headers: Readonly<Record<string, string>>; readonly reason: string };

/**
 * Turns outbox rows into Kafka messages: the integration event of each stored domain event
 * (libs/messaging's createIntegrationEvents, shared with the rebuilds), keyed by episode.
 */
export const createEpisodeMessages = (sql: Sql, keyring: PatientKeyring, facilityId: string) => {
  const integrationEvents = createIntegrationEvents(sql, keyring, facilityId);

  const toMessage = (row: OutboxMessage): RelayMessage => {
    const patientKey = integrationEvents.patientKeyOf(row.key);
    const unpublishable = (reason: string): RelayMessage => ({ kind: 'unpublishable', topic: row.topic, headers: row.headers, reason });
    if (patientKey === undefined) return unpublishable('the episode has no referral with a patient record, so no patient key');
    try {
      const event = integrationEvents.integrationEventOf(
        { streamId: row.key, data: row.event.data, metadata: row.event.metadata },
        patientKey,
      );
      return { kind: 'publish', topic: row.topic, message: episodeEventMessage(row, event) };
    } catch (error) {
      // Only our own mismatch error is known to name fields and never values; any other message could quote the event.
      if (error instanceof IntegrationEventMismatchError) return unpublishable(`${error.name}: ${error.message}`);
      return unpublishable(error instanceof Error ? `${error.name}: the event could not be mapped` : 'the event could not be mapped');
    }
  };

  return {
    async messagesOf(rows: readonly OutboxMessage[]): Promise<RelayMessage[]> {
      await integrationEvents.loadPatientKeys(rows.map((row) => row.key));
      return rows.map(toMessage);
    },
  };
};
