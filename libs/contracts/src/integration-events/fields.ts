/**
 * Building blocks of the integration-event schemas. Only ids, codes, dates, counts and measures are
 * expressible here: there is deliberately no free-text field type, so a schema cannot carry a note.
 */
import { z } from 'zod';

/** An opaque identifier (episode, session, report, therapist, payer…), never a patient's own. */
export const id = z.string().min(1).max(200);
/** A code from a published code system (ICD-10-CM, NPI, credential, field name). */
export const code = z.string().min(1).max(100);
export const isoDate = z.iso.date();
// The domain accepts instants with or without seconds; the offset is always there.
export const isoInstant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/);
export const count = z.int().min(0);
export const measureValue = z.number();
export const cents = z.int().min(0);

export const oneOf = <const V extends readonly [string, ...string[]]>(values: V) => z.enum(values);
/** Bounds go on the array itself: checks on its readonly wrapper would be missing from the JSON Schema. */
export const listOf = <T extends z.ZodType>(item: T, bounds: { readonly min?: number; readonly max?: number } = {}) => {
  const list = z.array(item);
  const atLeast = bounds.min === undefined ? list : list.min(bounds.min);
  return (bounds.max === undefined ? atLeast : atLeast.max(bounds.max)).readonly();
};
/**
 * An object that drops fields it does not know when read, so consumers stay tolerant of compatible
 * additions; the producer refuses any field a schema does not publish (see `episodeEventMessage`).
 */
export const record = <S extends z.ZodRawShape>(shape: S) => z.object(shape);
