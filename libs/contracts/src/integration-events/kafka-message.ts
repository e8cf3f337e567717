/**
 * The CloudEvents Kafka protocol binding, binary mode: the event's data is the message value (JSON)
 * and its attributes are `ce_`-prefixed headers; `datacontenttype` is the `content-type` header.
 * The key is the episode id, so each episode's events keep their order on the topic.
 */
import { integrationEventSchema, type IntegrationEvent } from './schemas';
import { integrationEventSchemaUri } from './json-schemas';

export const cloudEventsSpecVersion = '1.0';

/** The attributes every message of ours carries; the headers are built from them in one place. */
export interface CloudEventAttributes {
  readonly id: string;
  /** The event type's name, e.g. `SessionRecorded`: the same in the outbox and on the topic. */
  readonly type: string;
  readonly source: string;
  /** The episode id. */
  readonly subject: string;
  readonly time: string;
  /** Version of the data's schema (for an integration event: its published version). */
  readonly schemaVersion: number;
  readonly dataschema?: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
}

export const cloudEventHeaders = (attributes: CloudEventAttributes): Record<string, string> => ({
  ce_specversion: cloudEventsSpecVersion,
  ce_id: attributes.id,
  ce_type: attributes.type,
  ce_source: attributes.source,
  ce_subject: attributes.subject,
  ce_time: attributes.time,
  ...(attributes.dataschema === undefined ? {} : { ce_dataschema: attributes.dataschema }),
  careflow_schema_version: String(attributes.schemaVersion),
  careflow_stream_version: String(attributes.streamVersion),
  careflow_global_position: String(attributes.globalPosition),
});

/** What the message needs from an outbox row and the stored event it points at (readOutbox's OutboxMessage fits). */
export interface OutboxEntry {
  readonly key: string;
  readonly source: string;
  readonly event: {
    readonly eventId: string;
    readonly streamId: string;
    readonly streamVersion: number;
    readonly globalPosition: number;
    readonly type: string;
    readonly metadata: { readonly occurredAt: string };
  };
}

export interface KafkaMessage {
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Raised when a message would not match its published schema or its outbox row: a bug, never data to show. */
export class IntegrationEventMismatchError extends Error {
  override readonly name = 'IntegrationEventMismatchError';
}

/**
 * The Kafka message of one outbox entry and its integration event. The data is checked strictly
 * against its published schema first: a field no schema allows (which could be PHI) never leaves.
 */
export const episodeEventMessage = (entry: OutboxEntry, event: IntegrationEvent): KafkaMessage => {
  const { type, version, data } = event;
  if (type !== entry.event.type || data.episodeId !== entry.event.streamId || entry.key !== entry.event.streamId) {
    throw new IntegrationEventMismatchError(
      `The integration event does not belong to its outbox row (event ${entry.event.eventId}): type or episode differ.`,
    );
  }
  const checked = integrationEventSchema(type, version)?.safeParse(data);
  if (checked === undefined || !checked.success) {
    const fields = checked?.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ') ?? 'unknown version';
    throw new IntegrationEventMismatchError(
      `The ${type} v${version} integration event of event ${entry.event.eventId} does not match its schema at: ${fields}.`,
    );
  }
  return {
    key: entry.key,
    value: JSON.stringify(data),
    headers: {
      ...cloudEventHeaders({
        id: entry.event.eventId,
        type,
        source: entry.source,
        subject: entry.event.streamId,
        time: entry.event.metadata.occurredAt,
        schemaVersion: version,
        dataschema: integrationEventSchemaUri(type, version),
        streamVersion: entry.event.streamVersion,
        globalPosition: entry.event.globalPosition,
      }),
      'content-type': 'application/json',
    },
  };
};
