/**
 * The consumer framework's apply and applyMany for billing (docs/billing.md): a run of integration
 * events is folded in memory over the state its episodes need, loaded once and written back once, in
 * the transaction that records the events as processed. One event is a run of one.
 */
import type { TransactionSql } from 'postgres';
import { episodeEventsTopic } from '@careflow/contracts';
import type { ConsumedEpisodeEvent, EpisodeEventConsumerOptions } from '@careflow/messaging';
import { foldBillingEvent } from './fold';
import { loadLedger, saveLedger } from './ledger';

export const applyBillingEvents = async (tx: TransactionSql, events: readonly ConsumedEpisodeEvent[]): Promise<void> => {
  const ledger = await loadLedger(tx, events);
  for (const event of events) foldBillingEvent(ledger, event);
  await saveLedger(tx, ledger);
};

export const applyBillingEvent = (tx: TransactionSql, event: ConsumedEpisodeEvent): Promise<void> => applyBillingEvents(tx, [event]);

/**
 * How billing consumes the episode events (main.ts; tests and the pipeline bench use the same): runs
 * through applyBillingEvents; the processed-event record as a mark per episode (the highest stream version
 * applied, docs/billing.md#exactly-once-a-mark-per-episode), since billing folds an episode's events in
 * stream order anyway; and every partition at once: a run holds its connection while PostgreSQL writes,
 * and with three at a time billing's thread sat idle for a fifth of a catch-up (docs/billing.md#benchmark).
 * The apps' pool (10) has room for six.
 */
export const billingConsumption = {
  apply: applyBillingEvent,
  applyMany: applyBillingEvents,
  exactlyOnceBy: 'stream-version',
  partitionsConsumedConcurrently: episodeEventsTopic.partitions,
} as const satisfies Pick<EpisodeEventConsumerOptions, 'apply' | 'applyMany' | 'exactlyOnceBy' | 'partitionsConsumedConcurrently'>;
