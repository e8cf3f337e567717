import { careEpisodeEventTypes, dateOf, isIsoDate, isIsoInstant, type CareEpisodeEventType } from '@careflow/domain';
import type { JsonObject, JsonValue } from '../canonical-json';
import type { RecordedEvent } from '../types';

/**
 * Tolerant readers of event data: read models must survive events from older schema versions and
 * fields that are missing, so a field of the wrong shape reads as absent instead of failing the batch.
 */
const at = (data: JsonObject, path: readonly string[]): JsonValue | undefined => {
  let value: JsonValue | undefined = data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as JsonObject)[key];
  }
  return value;
};

export const textAt = (event: RecordedEvent, ...path: string[]): string | null => {
  const value = at(event.data, path);
  return typeof value === 'string' && value !== '' ? value : null;
};

export const numberAt = (event: RecordedEvent, ...path: string[]): number | null => {
  const value = at(event.data, path);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

export const booleanAt = (event: RecordedEvent, ...path: string[]): boolean | null => {
  const value = at(event.data, path);
  return typeof value === 'boolean' ? value : null;
};

/** A calendar date PostgreSQL will take (2025-02-30 reads as absent, not as a batch that never commits). */
export const dateAt = (event: RecordedEvent, ...path: string[]): string | null => {
  const value = textAt(event, ...path);
  return isIsoDate(value) ? value : null;
};

/** When the fact happened: the event's own occurredAt when readable, else the metadata's. */
export const occurredAt = (event: RecordedEvent): string => {
  const own = textAt(event, 'occurredAt');
  return isIsoInstant(own) ? own : event.metadata.occurredAt;
};

/** The calendar date (UTC) of when the fact happened. */
export const occurredOn = (event: RecordedEvent): string => dateOf(occurredAt(event));

const knownTypes: ReadonlySet<string> = new Set(careEpisodeEventTypes);

/** The event's type when it is one of the domain's care-episode events; null for anything else. */
export const careEpisodeTypeOf = (event: RecordedEvent): CareEpisodeEventType | null =>
  knownTypes.has(event.type) ? (event.type as CareEpisodeEventType) : null;
