/**
 * Building blocks of the command schemas (zod). Every object is strict (a field it does not know is
 * refused, never silently dropped), every text and list is bounded, and text the event store cannot
 * keep is refused up front, so whatever a schema accepts can be stored. A refusal names the first
 * problem by its path ("command.referral.payer must be an object") and never echoes the value (it may
 * be PHI).
 */
import { z } from 'zod';
import { isIsoDate } from './calendar';

/** The event store's limit on one event's data and metadata, in UTF-8 bytes of canonical JSON. */
export const maxEventBytes = 256 * 1024;

/**
 * The limit on a whole command's JSON: half the event limit, so the events decided from it (which
 * repeat its records and add what the rules decided) and their metadata still fit.
 */
export const maxCommandBytes = maxEventBytes / 2;

/** Longest identifier: an episode id is the event store's stream id, which allows 200 characters. */
const maxIdLength = 200;

const must = (phrase: string) => ({ error: `must be ${phrase}` });

// jsonb refuses NUL and unpaired surrogates. (isWellFormed is Node 20's; the ES2022 typings lack it.)
const isStorable = (text: string): boolean => !text.includes('\u0000') && (text as string & { isWellFormed(): boolean }).isWellFormed();

const hasControlCharacter = (text: string): boolean => {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
};

const storableText = { error: 'must not contain a NUL character or a broken (unpaired) surrogate character' };

/** Free text of at most `max` characters (UTF-16 code units), not blank. */
export const text = (max: number) => {
  const phrase = must(`a non-empty text of at most ${max} characters`);
  return z
    .string(phrase)
    .min(1, phrase)
    .max(max, phrase)
    .refine((value) => value.trim() !== '', phrase)
    .refine(isStorable, storableText);
};

/** Text of a line or two (a reason, a name) and of a narrative. */
export const shortText = text(500);
export const longText = text(20_000);

/** An identifier: short, on one line, without control characters (ids end up in logs and stream ids). */
export const identifier = (max = maxIdLength) =>
  text(max).refine((value) => !hasControlCharacter(value), must(`an identifier of at most ${max} characters without control characters`));

const datePhrase = must('a calendar date (YYYY-MM-DD)');
export const isoDate = z
  .string(datePhrase)
  .regex(/^\d{4}-\d{2}-\d{2}$/, datePhrase)
  .refine(isIsoDate, datePhrase);

// An instant without an offset would be read in the local time zone of whichever machine replays it.
// The pattern cannot know the length of a month, so the date part is checked as a calendar date.
const isoInstantPattern = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const instantPhrase = must('an ISO 8601 instant with an offset (Z or ±hh:mm)');
export const isoInstant = z
  .string(instantPhrase)
  .regex(isoInstantPattern, instantPhrase)
  .refine((value) => isIsoDate(value.slice(0, 10)), instantPhrase);

export const integer = (min: number, max: number) => {
  const phrase = must(`a whole number from ${min} to ${max}`);
  return z.number(phrase).int(phrase).min(min, phrase).max(max, phrase);
};

export const decimal = (min: number, max: number) => {
  const phrase = must(`a number from ${min} to ${max}`);
  return z.number(phrase).min(min, phrase).max(max, phrase);
};

export const boolean = z.boolean(must('true or false'));

export const oneOf = <const V extends readonly [string, ...string[]]>(values: V) => z.enum(values, must(`one of ${values.join(', ')}`));

/** A bounded list; read-only, so a record's list is not changed in place. */
export const list = <T extends z.ZodType>(item: T, options: { readonly min?: number; readonly max: number }) => {
  const min = options.min ?? 0;
  const phrase = must(`a list of ${min} to ${options.max} entries`);
  return z.array(item, phrase).min(min, phrase).max(options.max, phrase).readonly();
};

/** Short texts, as intake and plans list them. */
export const texts = list(shortText, { max: 100 });

/** An object that refuses fields it does not know; read-only, as records are facts. */
export const record = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape, must('an object')).readonly();

/** A list whose entries carry an id field: ids must be unique within it. */
export const uniqueBy = <T extends z.ZodType<ReadonlyArray<Record<K, unknown>>>, K extends string>(inner: T, key: K) =>
  inner.refine((entries) => new Set(entries.map((entry) => entry[key])).size === entries.length, {
    error: `must not repeat a ${key}`,
  });

/** UTF-8 bytes of well-formed text, counted without a Node Buffer (the domain runs in the workflow sandbox too). */
export const utf8Length = (value: string): number => {
  let bytes = 0;
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      index += 1;
    } else bytes += 3;
  }
  return bytes;
};

/** Refuses a value whose JSON exceeds `maxBytes` (JSON escapes included: a control character takes six). */
export const withinBytes = <T extends z.ZodType>(schema: T, maxBytes: number) =>
  schema.refine((value) => utf8Length(JSON.stringify(value)) <= maxBytes, {
    error: `must take at most ${maxBytes / 1024} KiB when stored`,
  });

// Field names are named in messages only when they look like field names: a stray key could carry PHI.
const fieldNamePattern = /^[A-Za-z_$][\w$]{0,63}$/;

const pathOf = (root: string, path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, step) => (typeof step === 'number' ? `${text}[${step}]` : `${text}.${String(step)}`), root);

/** The first problem of a failed parse, in words: "<path> must be …" or "<path>.<field> is not a field it knows". */
export const firstProblem = (error: z.ZodError, root: string): string => {
  // A failed parse has at least one issue.
  const issue = error.issues[0] as z.core.$ZodIssue;
  const path = pathOf(root, issue.path);
  if (issue.code !== 'unrecognized_keys') return `${path} ${issue.message}`;
  const [field] = issue.keys;
  return field !== undefined && fieldNamePattern.test(field)
    ? `${path}.${field} is not a field it knows`
    : `${path} has a field it does not know`;
};
