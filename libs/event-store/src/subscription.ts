import type { Sql } from 'postgres';
import { advanceCheckpoint, ensureCheckpoint, readCheckpoint } from './checkpoints';
import { runRepeatable } from './database';
import { readLogAfter, toRecordedEvent } from './event-store';
import { startPolling, type PollingOptions, type RunningPoller } from './polling';
import { logPositionOf, type RecordedEvent } from './types';

export interface SubscriptionOptions extends PollingOptions {
  /** Names the checkpoint; one name, one place in the log. */
  readonly name: string;
  readonly batchSize?: number;
  /**
   * Handles a batch in log order. At least once: after a crash between handling and checkpointing
   * the batch comes again, so handlers record what they did (processed_events) or are idempotent.
   */
  readonly handle: (events: readonly RecordedEvent[]) => Promise<void>;
}

/** Follows the whole log from the subscription's checkpoint, gap-safe, until stopped. */
export const subscribeToAll = (sql: Sql, options: SubscriptionOptions): RunningPoller => {
  const batchSize = options.batchSize ?? 500;
  let ready = false;

  const step = async (): Promise<number> => {
    if (!ready) {
      await runRepeatable(sql, 'subscription checkpoint', () => ensureCheckpoint(sql, options.name));
      ready = true;
    }
    const checkpoint = await runRepeatable(sql, 'subscription checkpoint', () => readCheckpoint(sql, options.name));
    const rows = await runRepeatable(sql, 'subscription read', () => readLogAfter(sql, checkpoint.position, batchSize));
    const events = rows.map(toRecordedEvent);
    const last = events[events.length - 1];
    if (!last) return 0;
    await options.handle(events);
    await runRepeatable(sql, 'subscription checkpoint', () => advanceCheckpoint(sql, options.name, checkpoint, logPositionOf(last)));
    return events.length;
  };

  return startPolling(step, options);
};
