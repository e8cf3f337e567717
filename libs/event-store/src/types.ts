import type { JsonObject } from './canonical-json';

/** Who and what caused an event; written by the caller (the workflow), never by the store. */
export interface EventMetadataInput {
  /** The acting user or system account (an id, never a name). */
  readonly actor: string;
  /** Ties together every event caused by one request or workflow step. */
  readonly correlationId: string;
  /** The id of the command or event that caused this one. */
  readonly causationId?: string;
  /** The department the stream belongs to, so readers can scope by department without folding the stream. */
  readonly departmentId?: string;
  /** When the fact happened, ISO 8601 with offset (the clinician's time, which may precede recording). */
  readonly occurredAt: string;
}

export interface EventMetadata extends EventMetadataInput {
  /** When the store accepted the append (ISO 8601, UTC, the application server's clock). */
  readonly recordedAt: string;
}

export interface NewEvent<Type extends string = string, Data extends JsonObject = JsonObject> {
  /** Chosen by the caller (inside the workflow) so a retried append is recognised as the same event. */
  readonly eventId: string;
  readonly type: Type;
  /** Version of the `data` shape for this type; 1 when omitted. */
  readonly schemaVersion?: number;
  readonly data: Data;
  readonly metadata: EventMetadataInput;
}

export interface RecordedEvent<Type extends string = string, Data extends JsonObject = JsonObject> {
  readonly globalPosition: number;
  /** The appending transaction (xid8, decimal text); with globalPosition it orders the whole log. */
  readonly txId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

/**
 * The expected stream version: the number of events the caller has seen in the stream (0 = the
 * stream must not exist yet).
 */
export type ExpectedVersion = number;

export interface AppendResult {
  /** The stream's version after the append (for a repeated append: the version of its last event). */
  readonly nextExpectedVersion: number;
  /** Global positions of the appended events, in the order given. */
  readonly globalPositions: readonly number[];
  /** True when every event was already stored with the same content: nothing was written. */
  readonly alreadyAppended: boolean;
}

/**
 * A place in the whole log. Readers order by (transaction, position), not by position alone:
 * positions are taken when a row is inserted, so a transaction that commits late can hold a lower
 * position than rows already read, and a position-only checkpoint would skip it for ever.
 */
export interface LogPosition {
  readonly txId: string;
  readonly globalPosition: number;
}

export const startOfLog: LogPosition = { txId: '0', globalPosition: 0 };

export const logPositionOf = (event: Pick<RecordedEvent, 'txId' | 'globalPosition'>): LogPosition => ({
  txId: event.txId,
  globalPosition: event.globalPosition,
});
