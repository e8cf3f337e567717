/**
 * The consumer framework's apply and applyMany for billing (docs/billing.md): a run of integration
 * events is folded in memory over the state its episodes need, loaded once and written back once, in
 * the transaction that records the events as processed. One event is a run of one.
 */
import type { TransactionSql } from 'postgres';
import type { ConsumedEpisodeEvent } from '@careflow/messaging';
import { foldBillingEvent } from './fold';
import { loadLedger, saveLedger } from './ledger';

export const applyBillingEvents = async (tx: TransactionSql, events: readonly ConsumedEpisodeEvent[]): Promise<void> => {
  const ledger = await loadLedger(tx, events);
  for (const event of events) foldBillingEvent(ledger, event);
  await saveLedger(tx, ledger);
};

export const applyBillingEvent = (tx: TransactionSql, event: ConsumedEpisodeEvent): Promise<void> => applyBillingEvents(tx, [event]);
