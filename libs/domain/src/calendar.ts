/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD), instants (ISO 8601 with an offset) and the
 * department's time zone. Pure: the domain never reads the clock; every "today" arrives inside a
 * command, as an instant, and becomes a date only in the department's time zone.
 *
 * js-joda with its bundled tz database, not `Intl`: the zone rules ship with the package, so a
 * replayed episode decides the same days whatever Node or ICU version the worker runs.
 */
import { Instant, LocalDate, OffsetDateTime, ZoneId } from '@js-joda/core';
import '@js-joda/timezone';

export type IsoDate = string;
export type IsoInstant = string;
/** An IANA time-zone name, e.g. `America/New_York`. */
export type TimeZone = string;

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;
const isoInstantPattern = /^\d{4}-\d{2}-\d{2}T/;

/** The parsers throw on a malformed or impossible value (2025-02-30): that is the answer "no". */
const parseOrUndefined = <T>(parse: () => T): T | undefined => {
  try {
    return parse();
  } catch {
    return undefined;
  }
};

/**
 * The year, month and day of a date in `YYYY-MM-DD`, checked by arithmetic alone (undefined when it is
 * not a real date): billing checks a date for every charge set, and parsing it with js-joda each time
 * was a tenth of billing's fold (docs/billing.md). It only ever says yes to a date js-joda accepts
 * (property-tested against it); whatever it does not accept goes to js-joda.
 */
const wellFormedIsoDate = (value: string): { year: number; month: number; day: number } | undefined => {
  if (!isoDatePattern.test(value)) return undefined;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= daysInMonth ? { year, month, day } : undefined;
};

export const isIsoDate = (value: unknown): value is IsoDate =>
  typeof value === 'string' &&
  isoDatePattern.test(value) &&
  (wellFormedIsoDate(value) !== undefined || parseOrUndefined(() => LocalDate.parse(value)) !== undefined);

const dateIsoStringPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The epoch milliseconds of an instant in `Date#toISOString`'s shape, the one every instant Careflow
 * writes has, read by `Date.parse` (which ECMAScript defines exactly for that shape); undefined for any
 * other value. js-joda's parser was half of deciding a referral (docs/api.md#benchmark). It only says yes
 * where the value reads back unchanged, and to an instant js-joda reads the same (property-tested).
 */
const epochMillisOfDateIsoString = (value: string): number | undefined => {
  if (!dateIsoStringPattern.test(value)) return undefined;
  const millis = Date.parse(value);
  return Number.isFinite(millis) && new Date(millis).toISOString() === value ? millis : undefined;
};

/** An instant must carry its offset (`Z` or `±hh:mm`): a local time alone names no moment. */
export const isIsoInstant = (value: unknown): value is IsoInstant =>
  typeof value === 'string' &&
  isoInstantPattern.test(value) &&
  (epochMillisOfDateIsoString(value) !== undefined || parseOrUndefined(() => OffsetDateTime.parse(value)) !== undefined);

const knownZones = new Set(ZoneId.getAvailableZoneIds());

/** A region of the tz database (not a bare offset, which knows nothing of daylight saving time). */
export const isTimeZone = (value: unknown): value is TimeZone => typeof value === 'string' && knownZones.has(value);

const instantOf = (instant: IsoInstant): Instant => {
  const millis = epochMillisOfDateIsoString(instant);
  return millis === undefined ? OffsetDateTime.parse(instant).toInstant() : Instant.ofEpochMilli(millis);
};
/** Always `YYYY-MM-DDTHH:mm:ss.sssZ`, the shape `Date#toISOString` gives the rest of the system. */
const formatInstant = (instant: Instant): IsoInstant => new Date(instant.toEpochMilli()).toISOString();
const parseDate = (date: IsoDate): LocalDate => LocalDate.parse(date);

export const addDays = (date: IsoDate, days: number): IsoDate => parseDate(date).plusDays(days).toString();

/**
 * Days since 1970-01-01 of a date, by arithmetic for a well-formed `YYYY-MM-DD` (H. Hinnant's
 * days-from-civil; property-tested against js-joda) and by js-joda for anything else, which it refuses.
 * Rules count days between dates on every command and every charge set.
 */
const epochDayOf = (date: IsoDate): number => {
  const parts = wellFormedIsoDate(date);
  if (parts === undefined) return parseDate(date).toEpochDay();
  const year = parts.year - (parts.month <= 2 ? 1 : 0);
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (parts.month > 2 ? parts.month - 3 : parts.month + 9) + 2) / 5) + parts.day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
};

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: IsoDate, to: IsoDate): number => epochDayOf(to) - epochDayOf(from);

export const compareDates = (a: IsoDate, b: IsoDate): number => daysBetween(b, a);

/** The department's calendar date at an instant: 19:30 in New York is still that day there. */
export const localDateOf = (instant: IsoInstant, zone: TimeZone): IsoDate =>
  instantOf(instant).atZone(ZoneId.of(zone)).toLocalDate().toString();

/**
 * The UTC date of an instant, for readers that know no department (read models). Clinical rules
 * never use it: their days are the department's, from `localDateOf`.
 */
export const dateOf = (instant: IsoInstant): IsoDate => localDateOf(instant, 'UTC');

/**
 * The instant a local day ends (the next day's first moment in the zone): a rule met "through" that
 * day has passed then. Where a transition skips local midnight, the day ends when the next begins.
 */
export const endOfLocalDay = (date: IsoDate, zone: TimeZone): IsoInstant =>
  formatInstant(parseDate(date).plusDays(1).atStartOfDay(ZoneId.of(zone)).toInstant());

/** Elapsed hours (an offer's or a note's clock), not calendar days: a DST change does not stretch them. */
export const addHours = (instant: IsoInstant, hours: number): IsoInstant =>
  formatInstant(instantOf(instant).plusMillis(Math.round(hours * 3_600_000)));

export const hoursBetween = (from: IsoInstant, to: IsoInstant): number =>
  (instantOf(to).toEpochMilli() - instantOf(from).toEpochMilli()) / 3_600_000;

/** Throws on a date that is not one (like every function here that takes an IsoDate). */
export const yearOf = (date: IsoDate): number => wellFormedIsoDate(date)?.year ?? parseDate(date).year();
