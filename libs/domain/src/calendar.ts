/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD) and instants (ISO 8601 with offset).
 * Pure: the domain never reads the clock; every "today" arrives inside a command.
 */
export type IsoDate = string;
export type IsoInstant = string;

const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const msPerDay = 86_400_000;

export const isIsoDate = (value: unknown): value is IsoDate => {
  if (typeof value !== 'string') return false;
  const match = isoDatePattern.exec(value);
  if (!match) return false;
  const [, y, m, d] = match;
  const utc = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return utc.toISOString().slice(0, 10) === value;
};

export const isIsoInstant = (value: unknown): value is IsoInstant =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));

const toEpochDay = (date: IsoDate): number => Math.floor(Date.parse(`${date}T00:00:00Z`) / msPerDay);
const fromEpochDay = (day: number): IsoDate => new Date(day * msPerDay).toISOString().slice(0, 10);

export const addDays = (date: IsoDate, days: number): IsoDate => fromEpochDay(toEpochDay(date) + days);

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: IsoDate, to: IsoDate): number => toEpochDay(to) - toEpochDay(from);

export const compareDates = (a: IsoDate, b: IsoDate): number => daysBetween(b, a);

export const isBefore = (a: IsoDate, b: IsoDate): boolean => daysBetween(a, b) > 0;
export const isAfter = (a: IsoDate, b: IsoDate): boolean => daysBetween(a, b) < 0;

/** The calendar date (UTC) of an instant. Departments record local dates in commands where it matters. */
export const dateOf = (instant: IsoInstant): IsoDate => new Date(Date.parse(instant)).toISOString().slice(0, 10);

export const addHours = (instant: IsoInstant, hours: number): IsoInstant =>
  new Date(Date.parse(instant) + hours * 3_600_000).toISOString();

export const hoursBetween = (from: IsoInstant, to: IsoInstant): number => (Date.parse(to) - Date.parse(from)) / 3_600_000;

export const yearOf = (date: IsoDate): number => Number(date.slice(0, 4));

export const earliest = (...dates: ReadonlyArray<IsoDate | undefined>): IsoDate | undefined =>
  dates.filter((d): d is IsoDate => d !== undefined).sort()[0];
