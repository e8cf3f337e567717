import type { Sql, TransactionSql } from 'postgres';
import { cloudEventHeaders } from '@careflow/contracts';
import { runRepeatable } from './database';
import { toRecordedEvent, type EventRow } from './event-store';
import { logPositionOf, type LogPosition, type RecordedEvent } from './types';

/** One message the relay publishes: an outbox row with the event it points at. */
export interface OutboxMessage {
  readonly position: LogPosition;
  readonly topic: string;
  /** The Kafka key: the stream (episode) id, so each episode's events stay in order. */
  readonly key: string;
  /** The CloudEvents `source` of the row. */
  readonly source: string;
  /**
   * The stored event's CloudEvents attributes (Kafka binding names) and careflow's own, all text; the
   * relay publishes the integration event with contracts' `episodeEventMessage`, whose headers are
   * built by the same function.
   */
  readonly headers: Readonly<Record<string, string>>;
  readonly event: RecordedEvent;
}

interface OutboxRow extends EventRow {
  readonly topic: string;
  readonly source: string;
}

const headersOf = (row: OutboxRow, event: RecordedEvent): Record<string, string> =>
  cloudEventHeaders({
    id: event.eventId,
    type: event.type,
    source: row.source,
    subject: event.streamId,
    time: event.metadata.occurredAt,
    schemaVersion: event.schemaVersion,
    streamVersion: event.streamVersion,
    globalPosition: event.globalPosition,
  });

/**
 * Up to `limit` outbox messages after `after`, in log order, with the same guard as readAll: nothing
 * is returned while an older transaction is still running, so a relay that remembers the last
 * position it published never skips a late commit.
 */
export const readOutbox = async (sql: Sql, after: LogPosition, limit = 500): Promise<OutboxMessage[]> => {
  const rows = await runRepeatable(
    sql,
    'read outbox',
    () => sql<OutboxRow[]>`
    SELECT o.topic, o.source, e.global_position, e.tx_id, e.stream_id, e.stream_version, e.event_id,
           e.type, e.schema_version, e.data, e.metadata
    FROM outbox o JOIN events e ON e.global_position = o.global_position
    WHERE (o.tx_id, o.global_position) > (${after.txId}::text::xid8, ${after.globalPosition}::bigint)
      AND o.tx_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY o.tx_id, o.global_position
    LIMIT ${limit}::integer`,
  );
  return rows.map((row) => {
    const event = toRecordedEvent(row);
    return {
      position: logPositionOf(event),
      topic: row.topic,
      key: event.streamId,
      source: row.source,
      headers: headersOf(row, event),
      event,
    };
  });
};

/** Removes the outbox rows up to and including `upTo` once they are published; returns how many. */
export const deletePublishedOutbox = async (sql: Sql | TransactionSql, upTo: LogPosition): Promise<number> => {
  const deleted = await runRepeatable(
    sql,
    'delete published outbox rows',
    () => sql`
    DELETE FROM outbox
    WHERE (tx_id, global_position) <= (${upTo.txId}::text::xid8, ${upTo.globalPosition}::bigint)`,
  );
  return deleted.count;
};
