import type { Sql } from 'postgres';
import { createEventStore, logPositionOf, startOfLog, type LogPosition, type RecordedEvent } from '@careflow/event-store';
import type { IntegrationEvents } from '@careflow/messaging';
import { applyEpisodeEvents, readModelsLock } from './read-models/apply';
import type { EpisodeEvent } from './read-models/read-model';

/** The tables a rebuild empties and refolds, with the record of what was folded. */
const rebuiltTables = ['episode_summaries', 'episode_worklists', 'episode_outcomes', 'episode_operations', 'reporting_folded_events'];

export interface RebuildOptions {
  /** Reads the event store (a role that may SELECT events: in deployments the relay's; docs/reporting.md). */
  readonly source: Sql;
  /** Writes the read models (the reporting role). */
  readonly target: Sql;
  /** Stored events → integration events, as the relay maps them (libs/messaging). */
  readonly integrationEvents: IntegrationEvents;
  readonly batchSize?: number;
  /** Told after each batch is committed. */
  readonly onBatch?: (progress: RebuildProgress) => void;
}

export interface RebuildProgress {
  /** Stored events read from the log. */
  readonly read: number;
  /** Of those, integration events folded into the read models. */
  readonly folded: number;
  /** Stored events no integration event can be made of (no patient key, not a care-episode event): the relay dead-letters them too. */
  readonly unpublishable: number;
}

const isAtOrAfter = (position: LogPosition, target: LogPosition): boolean => {
  const [tx, targetTx] = [BigInt(position.txId), BigInt(target.txId)];
  return tx > targetTx || (tx === targetTx && position.globalPosition >= target.globalPosition);
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Empties the reporting read models and refolds every event committed before it started from the
 * event store through the live consumer's handler, in batches, while the live consumer waits on the
 * read models' lock (docs/reporting.md, "Rebuild").
 */
export const rebuildReadModels = async (options: RebuildOptions): Promise<RebuildProgress> => {
  const { source, target, integrationEvents } = options;
  const batchSize = options.batchSize ?? 1000;
  const store = createEventStore({ sql: source, outboxTopic: 'careflow.episode-events.v1' });
  // One connection holds the session lock for the whole rebuild; batches commit on the others. No
  // cycle of waits can form: a live transaction takes the lock before it touches any reporting table.
  // Postgres.js 3.4's reserve() waits for ever on a pool that has not connected yet.
  await target`SELECT 1`;
  const lockHolder = await target.reserve();
  const progress = { read: 0, folded: 0, unpublishable: 0 };

  const integrationEventsOf = async (stored: readonly RecordedEvent[]): Promise<EpisodeEvent[]> => {
    await integrationEvents.loadPatientKeys(stored.map((event) => event.streamId));
    return stored.flatMap((event): EpisodeEvent[] => {
      const patientKey = integrationEvents.patientKeyOf(event.streamId);
      if (patientKey !== undefined) {
        try {
          return [{ eventId: event.eventId, ...integrationEvents.integrationEventOf(event, patientKey) }];
        } catch {
          // Counted below, as the relay would dead-letter it; its data is never echoed.
        }
      }
      progress.unpublishable += 1;
      return [];
    });
  };

  try {
    await lockHolder`SELECT pg_advisory_lock(hashtextextended(${readModelsLock}, 0))`;
    // Everything committed up to now; what commits later reaches the live consumer after the lock is released.
    const [last] = await source<{ tx_id: string; global_position: string }[]>`
      SELECT tx_id::text, global_position::text FROM events ORDER BY tx_id DESC, global_position DESC LIMIT 1`;
    const end: LogPosition = last === undefined ? startOfLog : { txId: last.tx_id, globalPosition: Number(last.global_position) };

    await target.begin(async (tx) => {
      for (const table of rebuiltTables) await tx.unsafe(`DELETE FROM ${table}`);
    });

    let position = startOfLog;
    while (!isAtOrAfter(position, end)) {
      const stored = await store.readAll(position, batchSize);
      const lastStored = stored[stored.length - 1];
      // Held back by an older transaction still open (the read is gap-safe): wait for it to end.
      if (lastStored === undefined) {
        await sleep(20);
        continue;
      }
      position = logPositionOf(lastStored);
      const events = await integrationEventsOf(stored);
      await target.begin(async (tx) => {
        if (events.length > 0) {
          await tx`
            INSERT INTO reporting_folded_events (event_id)
            SELECT jsonb_array_elements_text(${JSON.stringify(events.map((event) => event.eventId))}::text::jsonb)::uuid`;
        }
        await applyEpisodeEvents(tx, events);
      });
      progress.read += stored.length;
      progress.folded += events.length;
      options.onBatch?.({ ...progress });
    }
    return { ...progress };
  } finally {
    await lockHolder`SELECT pg_advisory_unlock(hashtextextended(${readModelsLock}, 0))`.catch(() => undefined);
    lockHolder.release();
  }
};
