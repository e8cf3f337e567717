import type { Sql, TransactionSql } from 'postgres';
import type { JsonObject } from './canonical-json';
import {
  constraintName,
  isConnectionLost,
  isDeadBackendError,
  isUnavailable,
  renewDatabaseClient,
  postgresErrorCode,
  runRepeatable,
  toSafeInteger,
} from './database';
import { EventIdReusedError, EventStoreError, EventStoreUnavailableError, StreamVersionConflictError } from './errors';
import { insertEvents, newStreamHead, readHead, settleUnwritten, type StreamHead } from './append-statement';
import { defaultAppendLimits, prepareAppend, type AppendLimits, type PreparedAppend } from './prepare-append';
import {
  startOfLog,
  type AppendResult,
  type EventMetadata,
  type ExpectedVersion,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
} from './types';

export interface EventStoreOptions {
  /** A pool of the application role, from createDatabaseClient (renewed after a lost connection). */
  readonly sql: Sql;
  /** Kafka topic written into every outbox row. */
  readonly outboxTopic: string;
  /** CloudEvents `source` kept with every outbox row (readOutbox's ce_source header). */
  readonly eventSource?: string;
  readonly limits?: Partial<AppendLimits>;
  /** Source of `recordedAt`; tests may pin it. */
  readonly clock?: () => Date;
  /** How many stream heads to remember so that appending to them needs no read first (10,000). */
  readonly knownHeads?: number;
}

export interface AppendOptions {
  /**
   * Append inside the caller's open transaction (with other writes that must commit with it).
   * PostgreSQL aborts that transaction on any error, so failures here are never retried internally.
   */
  readonly transaction?: TransactionSql;
}

export interface EventStore {
  /**
   * Appends `events` after version `expectedVersion` of the stream (0 = a new stream), with their
   * outbox rows, in one transaction. Idempotent by event id: repeating an append that happened
   * returns its original positions and writes nothing.
   * @throws InvalidAppendError before touching the database
   * @throws StreamVersionConflictError with the stream's actual version
   * @throws EventIdReusedError when an id belongs to other content
   * @throws EventStoreUnavailableError (retryable; the append may have happened — retry with the same ids)
   */
  appendToStream(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** The stream's events from `fromVersion` (1 = the start), in version order. */
  readStream(streamId: string, fromVersion?: number, limit?: number): Promise<RecordedEvent[]>;
  /** The stream's current version (0 when it does not exist). */
  readStreamVersion(streamId: string): Promise<number>;
  /**
   * Up to `limit` committed events after `after`, in log order. Never returns an event while an older
   * transaction is still running, so a reader that checkpoints the last event's position never skips
   * a transaction that commits late.
   */
  readAll(after?: LogPosition, limit?: number): Promise<RecordedEvent[]>;
}

export interface EventRow {
  readonly global_position: string;
  readonly tx_id: string;
  readonly stream_id: string;
  readonly stream_version: number;
  readonly event_id: string;
  readonly type: string;
  readonly schema_version: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}

export const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  globalPosition: toSafeInteger(row.global_position),
  txId: row.tx_id,
  streamId: row.stream_id,
  streamVersion: row.stream_version,
  eventId: row.event_id,
  type: row.type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
});

// Tried again at once: 40001, a dead backend's error (the statement was never sent, see
// isDeadBackendError) and a stream found at the expected version after all (settleUnwritten).
const maxAttempts = 5;
const defaultEventSource = 'careflow';
const defaultKnownHeads = 10_000;

const isUniqueViolation = (error: unknown): boolean =>
  postgresErrorCode(error) === '23505' &&
  (constraintName(error) === 'events_event_id_key' || constraintName(error) === 'events_stream_version_key');

/** The id PostgreSQL names in the unique violation's detail ("Key (event_id)=(…) already exists."). */
const collidingEventId = (prepared: PreparedAppend, error: unknown): string => {
  const detail = String((error as { detail?: unknown }).detail);
  return prepared.events.find((event) => detail.includes(event.eventId))?.eventId ?? 'unknown';
};

/**
 * The heads of streams this store appended to, newest use last. Events never change, so a head
 * remembered from a committed append is that version's event for good; appending at its version
 * needs no read. Only appends that committed on their own (not inside a caller's transaction,
 * which may still roll back) are remembered.
 */
const createKnownHeads = (capacity: number) => {
  const heads = new Map<string, StreamHead>();
  return {
    at: (streamId: string, version: number): StreamHead | undefined => {
      const head = heads.get(streamId);
      return head?.version === version ? head : undefined;
    },
    remember: (streamId: string, head: StreamHead): void => {
      heads.delete(streamId);
      heads.set(streamId, head);
      if (heads.size > capacity) heads.delete(heads.keys().next().value as string);
    },
    forget: (streamId: string): void => {
      heads.delete(streamId);
    },
  };
};

export const createEventStore = (options: EventStoreOptions): EventStore => {
  const { sql, outboxTopic } = options;
  const eventSource = options.eventSource ?? defaultEventSource;
  const limits: AppendLimits = { ...defaultAppendLimits, ...options.limits };
  const clock = options.clock ?? (() => new Date());
  const knownHeads = createKnownHeads(options.knownHeads ?? defaultKnownHeads);

  /** One attempt: what was written, or why nothing was. */
  const attempt = async (prepared: PreparedAppend, transaction: TransactionSql | undefined) => {
    const db = transaction ?? sql;
    const { streamId, expectedVersion } = prepared;
    try {
      const head = expectedVersion === 0 ? newStreamHead : (knownHeads.at(streamId, expectedVersion) ?? (await readHead(db, streamId)));
      if (head.version === expectedVersion) {
        const written = await insertEvents(db, prepared, head, outboxTopic, eventSource);
        if (written) {
          if (transaction === undefined) knownHeads.remember(streamId, written.head);
          return written.positions;
        }
      }
      knownHeads.forget(streamId);
      return await settleUnwritten(db, prepared);
    } catch (error) {
      knownHeads.forget(streamId);
      if (!isUniqueViolation(error)) throw error;
      // PostgreSQL has aborted a caller's transaction: even "already appended" cannot be reported as
      // success inside it. A racing writer has committed by now (the unique check waited for it).
      if (transaction === undefined) return await settleUnwritten(sql, prepared);
      if (constraintName(error) === 'events_event_id_key') {
        throw new EventIdReusedError(streamId, collidingEventId(prepared, error));
      }
      throw new StreamVersionConflictError(streamId, expectedVersion, await readVersion(sql, streamId));
    }
  };

  const appendToStream: EventStore['appendToStream'] = async (streamId, expectedVersion, events, appendOptions) => {
    const prepared = prepareAppend(streamId, expectedVersion, events, clock().toISOString(), limits);
    const transaction = appendOptions?.transaction;
    for (let attempts = 1; ; attempts += 1) {
      const canRetry = transaction === undefined && attempts < maxAttempts;
      let outcome: Awaited<ReturnType<typeof attempt>>;
      try {
        outcome = await attempt(prepared, transaction);
      } catch (error) {
        if (error instanceof EventStoreError) throw error;
        if (isConnectionLost(error)) renewDatabaseClient(sql);
        if ((postgresErrorCode(error) === '40001' || isDeadBackendError(error)) && canRetry) continue;
        if (isUnavailable(error)) throw new EventStoreUnavailableError('append', error);
        throw error;
      }
      if (Array.isArray(outcome)) {
        return { nextExpectedVersion: expectedVersion + events.length, globalPositions: outcome, alreadyAppended: false };
      }
      switch (outcome.kind) {
        case 'duplicate':
          return { nextExpectedVersion: outcome.nextExpectedVersion, globalPositions: outcome.globalPositions, alreadyAppended: true };
        case 'reused':
          throw new EventIdReusedError(streamId, outcome.eventId);
        case 'conflict':
          throw new StreamVersionConflictError(streamId, expectedVersion, outcome.actualVersion);
        case 'retry':
          if (canRetry) continue;
          throw new EventStoreUnavailableError('append', new Error('the stream moved while appending; retry'));
      }
    }
  };

  const readStream: EventStore['readStream'] = async (streamId, fromVersion = 1, limit = 10_000) => {
    const rows = await runRepeatable(
      sql,
      'read stream',
      () => sql<EventRow[]>`
      SELECT global_position, tx_id, stream_id, stream_version, event_id, type, schema_version, data, metadata
      FROM events
      WHERE stream_id = ${streamId} AND stream_version >= ${fromVersion}::integer
      ORDER BY stream_version
      LIMIT ${limit}::integer`,
    );
    return rows.map(toRecordedEvent);
  };

  const readStreamVersion: EventStore['readStreamVersion'] = (streamId) =>
    runRepeatable(sql, 'read stream version', () => readVersion(sql, streamId));

  const readAll: EventStore['readAll'] = async (after = startOfLog, limit = 1000) =>
    (await runRepeatable(sql, 'read all', () => readLogAfter(sql, after, limit))).map(toRecordedEvent);

  return { appendToStream, readStream, readStreamVersion, readAll };
};

const readVersion = async (sql: Sql, streamId: string): Promise<number> => {
  const [row] = await sql<{ version: number }[]>`
    SELECT coalesce(max(stream_version), 0) AS version FROM events WHERE stream_id = ${streamId}`;
  return row?.version ?? 0;
};

/** The gap-safe read of the whole log (shared with the projection runner). */
export const readLogAfter = (sql: Sql | TransactionSql, after: LogPosition, limit: number) =>
  sql<EventRow[]>`
    SELECT global_position, tx_id, stream_id, stream_version, event_id, type, schema_version, data, metadata
    FROM events
    WHERE (tx_id, global_position) > (${after.txId}::text::xid8, ${after.globalPosition}::bigint)
      AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY tx_id, global_position
    LIMIT ${limit}::integer`;
