import { maxEventBytes } from '@careflow/domain';
import { canonicalJson, isJsonObject, isStorable, NotCanonicalJsonError } from './canonical-json';
import { InvalidAppendError } from './errors';
import { contentHash } from './hashing';
import type { EventMetadata, EventMetadataInput, ExpectedVersion, NewEvent } from './types';

export interface AppendLimits {
  /** Largest canonical JSON of one event's data plus metadata, in bytes. */
  readonly maxEventBytes: number;
  readonly maxEventsPerAppend: number;
}

/** The event size limit is the domain's, so the command schemas can keep every command under it. */
export const defaultAppendLimits: AppendLimits = { maxEventBytes, maxEventsPerAppend: 1000 };

/** One validated event as the append statement takes it: canonical JSON text and its content hash. */
export interface PreparedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly contentHash: Buffer;
}

export interface PreparedAppend {
  readonly streamId: string;
  readonly expectedVersion: number;
  readonly events: readonly PreparedEvent[];
}

/**
 * The events as one JSON array text, for statements that take several at once; `moreFields` adds
 * members to each event's object (text starting with a comma).
 */
export const eventsAsJson = (prepared: PreparedAppend, moreFields: (index: number) => string = () => ''): string =>
  `[${prepared.events
    .map(
      (event, index) =>
        `{"eventId":"${event.eventId}","type":${JSON.stringify(event.type)},"schemaVersion":${event.schemaVersion},` +
        `"data":${event.dataJson},"metadata":${event.metadataJson}${moreFields(index)}}`,
    )
    .join(',')}]`;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const eventTypePattern = /^[A-Za-z][A-Za-z0-9_.-]{0,199}$/;
const isoInstantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
// Text PostgreSQL cannot store (NUL) or that would make ids unreadable in logs.
const hasControlCharacter = (text: string): boolean => {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
};
const maxStreamIdLength = 200;
const maxVersion = 2_147_483_647;

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '' && isStorable(value);
const nonEmptyString = 'a non-empty string without NUL characters or unpaired surrogates';

const metadataProblems = (metadata: unknown, label: string): string[] => {
  if (!isJsonObject(metadata)) return [`${label}: metadata must be an object`];
  const problems: string[] = [];
  if (!isNonEmptyString(metadata['actor'])) problems.push(`${label}: metadata.actor must be ${nonEmptyString}`);
  if (!isNonEmptyString(metadata['correlationId'])) {
    problems.push(`${label}: metadata.correlationId must be ${nonEmptyString}`);
  }
  const causationId = metadata['causationId'];
  if (causationId !== undefined && !isNonEmptyString(causationId)) {
    problems.push(`${label}: metadata.causationId must be ${nonEmptyString} when given`);
  }
  const departmentId = metadata['departmentId'];
  if (departmentId !== undefined && !isNonEmptyString(departmentId)) {
    problems.push(`${label}: metadata.departmentId must be ${nonEmptyString} when given`);
  }
  const occurredAt = metadata['occurredAt'];
  if (typeof occurredAt !== 'string' || !isoInstantPattern.test(occurredAt) || Number.isNaN(Date.parse(occurredAt))) {
    problems.push(`${label}: metadata.occurredAt must be an ISO 8601 instant with an offset`);
  }
  return problems;
};

/**
 * The UTF-8 size of both texts when it is over `limit`, else undefined. A UTF-16 code unit takes at
 * most 3 bytes, so texts of ordinary size need no count at all.
 */
const utf8ByteLengthOver = (first: string, second: string, limit: number): number | undefined => {
  if ((first.length + second.length) * 3 <= limit) return undefined;
  const size = Buffer.byteLength(first, 'utf8') + Buffer.byteLength(second, 'utf8');
  return size > limit ? size : undefined;
};

/**
 * The canonical JSON of the known metadata fields (any others are dropped): their names are not
 * array indexes, so a literal in sorted key order serialises canonically in one native call, and
 * JSON.stringify leaves out a causationId or departmentId that is undefined.
 */
export const canonicalMetadataJson = (metadata: EventMetadataInput, recordedAt: string): string => {
  const stored: EventMetadata = {
    actor: metadata.actor,
    causationId: metadata.causationId,
    correlationId: metadata.correlationId,
    departmentId: metadata.departmentId,
    occurredAt: metadata.occurredAt,
    recordedAt,
  };
  return JSON.stringify(stored);
};

/**
 * Validates an append and turns it into the append statement's input, computing each event's content hash.
 * Every problem is reported at once, by event index and type (never by value: data may hold PHI).
 */
export const prepareAppend = (
  streamId: string,
  expectedVersion: ExpectedVersion,
  events: readonly NewEvent[],
  recordedAt: string,
  limits: AppendLimits = defaultAppendLimits,
): PreparedAppend => {
  const problems: string[] = [];
  const fail = (): never => {
    throw new InvalidAppendError(String(streamId).slice(0, maxStreamIdLength), problems);
  };

  if (!isNonEmptyString(streamId) || streamId.length > maxStreamIdLength || hasControlCharacter(streamId)) {
    problems.push(`the stream id must be a non-empty string of at most ${maxStreamIdLength} characters without control characters`);
  }
  if (!Number.isInteger(expectedVersion) || expectedVersion < 0 || expectedVersion > maxVersion) {
    problems.push('the expected version must be an integer of 0 or more (0 = a new stream)');
  }
  if (!Array.isArray(events) || events.length === 0) {
    problems.push('there are no events to append');
  } else if (events.length > limits.maxEventsPerAppend) {
    problems.push(`${events.length} events exceed the limit of ${limits.maxEventsPerAppend} per append`);
  }
  if (problems.length > 0) fail();

  const seenIds = new Set<string>();
  const prepared: PreparedEvent[] = [];
  events.forEach((event: NewEvent, index) => {
    if (typeof event !== 'object' || event === null) {
      problems.push(`event ${index}: must be an object`);
      return;
    }
    const typeIsValid = typeof event.type === 'string' && eventTypePattern.test(event.type);
    const label = `event ${index}${typeIsValid ? ` (${event.type})` : ''}`;
    const before = problems.length;

    if (!typeIsValid) {
      problems.push(`${label}: type must be a name of letters, digits, '_', '.' or '-' starting with a letter`);
    }
    const eventId = typeof event.eventId === 'string' ? event.eventId.toLowerCase() : '';
    if (!uuidPattern.test(eventId)) {
      problems.push(`${label}: eventId must be a UUID`);
    } else if (seenIds.has(eventId)) {
      problems.push(`${label}: eventId repeats an earlier event of this append`);
    }
    seenIds.add(eventId);
    const schemaVersion = event.schemaVersion ?? 1;
    if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > maxVersion) {
      problems.push(`${label}: schemaVersion must be an integer of 1 or more`);
    }
    problems.push(...metadataProblems(event.metadata, label));

    let dataJson = '';
    if (!isJsonObject(event.data)) {
      problems.push(`${label}: data must be a JSON object`);
    } else {
      try {
        dataJson = canonicalJson(event.data, 'data');
      } catch (error) {
        if (!(error instanceof NotCanonicalJsonError)) throw error;
        problems.push(`${label}: ${error.message}`);
      }
    }
    if (problems.length > before) return;

    const metadataJson = canonicalMetadataJson(event.metadata, recordedAt);
    const size = utf8ByteLengthOver(dataJson, metadataJson, limits.maxEventBytes);
    if (size !== undefined) {
      problems.push(`${label}: data and metadata take ${size} bytes, over the limit of ${limits.maxEventBytes}`);
      return;
    }
    const hash = contentHash({
      streamId,
      streamVersion: expectedVersion + index + 1,
      eventId,
      type: event.type,
      schemaVersion,
      dataJson,
      metadataJson,
    });
    prepared.push({ eventId, type: event.type, schemaVersion, dataJson, metadataJson, contentHash: hash });
  });
  if (problems.length > 0) fail();

  return { streamId, expectedVersion, events: prepared };
};
