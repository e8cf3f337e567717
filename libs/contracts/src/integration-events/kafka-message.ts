/**
 * The CloudEvents Kafka protocol binding, binary mode: the event's data is the message value (JSON)
 * and its attributes are `ce_`-prefixed headers; `datacontenttype` is the `content-type` header.
 * The key is the episode id, so each episode's events keep their order on the topic.
 */
import {
  integrationEventSchema,
  integrationEventSchemas,
  publishedDataProblems,
  type IntegrationEvent,
  type IntegrationEventType,
  type PublishedIntegrationEvent,
} from './schemas';
import { integrationEventSchemaUri } from './json-schemas';
import { conformsExactly } from '../exact-conformance';

export const cloudEventsSpecVersion = '1.0';

const isIntegrationEventType = (type: string): type is IntegrationEventType =>
  Object.prototype.hasOwnProperty.call(integrationEventSchemas, type);

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
  const problems = publishedDataProblems(type, version, data);
  if (problems.length > 0) {
    throw new IntegrationEventMismatchError(
      `The ${type} v${version} integration event of event ${entry.event.eventId} does not match its schema: ${problems.join('; ')}.`,
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

/** A message a consumer cannot read: the reason names headers and fields, never values. */
export class UnreadableEpisodeEventError extends Error {
  override readonly name = 'UnreadableEpisodeEventError';
}

/** A message as a consumer receives it (kafkajs gives headers as Buffers or strings). */
export interface ReceivedMessage {
  readonly value: string | Buffer | null;
  readonly headers?: Readonly<Record<string, string | Buffer | ReadonlyArray<string | Buffer> | undefined>>;
}

const headerText = (message: ReceivedMessage, name: string): string => {
  const raw = message.headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) throw new UnreadableEpisodeEventError(`The message has no ${name} header.`);
  return value.toString();
};

/**
 * The integration event in a message, for consumers: type and version from the headers, data read
 * tolerantly (fields a newer revision added are dropped) against the schema of that version.
 * @throws UnreadableEpisodeEventError for a message no consumer can use (dead-letter it)
 */
export const readEpisodeEventMessage = (message: ReceivedMessage): PublishedIntegrationEvent & { readonly eventId: string } => {
  const eventId = headerText(message, 'ce_id');
  const type = headerText(message, 'ce_type');
  const version = Number(headerText(message, 'careflow_schema_version'));
  const schema = isIntegrationEventType(type) ? integrationEventSchema(type, version) : undefined;
  if (schema === undefined) {
    throw new UnreadableEpisodeEventError(`Event ${eventId}: no published schema for its type and version.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(message.value?.toString() ?? '');
  } catch {
    throw new UnreadableEpisodeEventError(`Event ${eventId}: the value is not JSON.`);
  }
  if (conformsExactly(schema, value)) {
    return { eventId, type, version, data: value } as PublishedIntegrationEvent & { readonly eventId: string };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(the event)').join(', ');
    throw new UnreadableEpisodeEventError(`Event ${eventId} (${type} v${version}) does not match its schema at: ${fields}.`);
  }
  return { eventId, type, version, data: parsed.data } as PublishedIntegrationEvent & { readonly eventId: string };
};
