/**
 * The virtual clock's arithmetic: instants as epoch milliseconds, department days through the
 * domain's calendar (so a simulated "09:00" is the department's, in its time zone).
 */
import { addDays, endOfLocalDay, localDateOf, type IsoDate, type IsoInstant, type TimeZone } from '@careflow/domain';

export const msPerHour = 3_600_000;
export const msPerDay = 24 * msPerHour;

export const iso = (ms: number): IsoInstant => new Date(ms).toISOString();

/** The instant `hours` after the start of the department's day `date`. */
export const atLocalHour = (date: IsoDate, hours: number, zone: TimeZone): number =>
  Date.parse(endOfLocalDay(addDays(date, -1), zone)) + Math.round(hours * msPerHour);

export const localDay = (ms: number, zone: TimeZone): IsoDate => localDateOf(iso(ms), zone);

/** ISO weekday of a date: 1 is Monday, 7 is Sunday. */
export const weekdayOf = (date: IsoDate): number => {
  const day = new Date(`${date}T12:00:00.000Z`).getUTCDay();
  return day === 0 ? 7 : day;
};
