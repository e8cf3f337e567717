import fc from 'fast-check';
import { LocalDate, OffsetDateTime, ZoneId } from '@js-joda/core';
import '@js-joda/timezone';
import {
  addDays,
  addHours,
  dateOf,
  daysBetween,
  endOfLocalDay,
  hoursBetween,
  isIsoDate,
  isIsoInstant,
  isTimeZone,
  localDateOf,
  yearOf,
} from './calendar';

/** Zones with ordinary DST, half-hour DST, DST at midnight, no DST, and a day that never happened. */
const zones = [
  'America/New_York',
  'America/Los_Angeles',
  'Europe/London',
  'Australia/Lord_Howe',
  'America/Sao_Paulo',
  'America/Havana',
  'Asia/Kolkata',
  'Asia/Tokyo',
  'Pacific/Chatham',
  'Pacific/Apia',
  'UTC',
] as const;
const zoneArb = fc.constantFrom(...zones);
/** Every day from 2000 to 2040, which covers each zone's transitions of those years. */
const dateArb = fc.integer({ min: 0, max: 40 * 366 }).map((offset) => addDays('2000-01-01', offset));
/** Days of the months in which zones change their clocks, so transitions come up often. */
const transitionSeasonArb = fc
  .record({ year: fc.integer({ min: 2000, max: 2040 }), month: fc.constantFrom(2, 3, 4, 9, 10, 11), day: fc.integer({ min: 1, max: 28 }) })
  .map(({ year, month, day }) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
const instantArb = fc
  .date({ min: new Date('2000-01-01T00:00:00.000Z'), max: new Date('2040-12-31T23:59:59.999Z'), noInvalidDate: true })
  .map((date) => date.toISOString());
const minusOneMs = (instant: string) => addHours(instant, -1 / 3_600_000);

describe('calendar dates and instants', () => {
  it('accepts real dates only, and instants only with their offset', () => {
    expect(['2024-02-29', '2025-12-31'].every(isIsoDate)).toBe(true);
    expect(['2025-02-29', '2025-13-01', '2025-1-01', 20250101, '2025-01-01T00:00Z'].some(isIsoDate)).toBe(false);
    expect(['2025-03-07T19:30:00-05:00', '2025-03-08T00:30:00.000Z', '2025-03-08T00:30Z'].every(isIsoInstant)).toBe(true);
    expect(['2025-03-08T00:30:00', '2025-03-08', '2025-03-08T25:00Z', 1].some(isIsoInstant)).toBe(false);
  });

  it('decides every YYYY-MM-DD string as js-joda does (the arithmetic fast path never accepts a date js-joda refuses)', () => {
    const byJsJoda = (value: string): boolean => {
      try {
        LocalDate.parse(value);
        return true;
      } catch {
        return false;
      }
    };
    const digits = (length: number, max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(length, '0'));
    // Months 00–19 and days 00–39 around the real ones; leap and century years come up often among 0000–9999.
    const shapedArb = fc
      .tuple(fc.oneof(digits(4, 9999), fc.constantFrom('0000', '1900', '2000', '2024', '2100', '2400')), digits(2, 19), digits(2, 39))
      .map(([year, month, day]) => `${year}-${month}-${day}`);
    fc.assert(
      fc.property(shapedArb, (value) => {
        expect(isIsoDate(value)).toBe(byJsJoda(value));
        if (byJsJoda(value)) {
          expect(yearOf(value)).toBe(LocalDate.parse(value).year());
          expect(daysBetween('1970-01-01', value)).toBe(LocalDate.parse(value).toEpochDay());
        } else {
          expect(() => yearOf(value)).toThrow();
          expect(() => daysBetween('1970-01-01', value)).toThrow();
        }
      }),
      { numRuns: 1_000 },
    );
    expect(['2100-02-29', '1900-02-29', '2025-04-31', '2025-00-10', '2025-06-00'].some(isIsoDate)).toBe(false);
    expect(['2000-02-29', '2400-02-29', '0000-01-01'].every(isIsoDate)).toBe(true);
  });

  it("reads every instant in Date#toISOString's shape as js-joda does (the Date.parse fast path never accepts what js-joda refuses)", () => {
    const byJsJoda = (value: string): OffsetDateTime | undefined => {
      try {
        return OffsetDateTime.parse(value);
      } catch {
        return undefined;
      }
    };
    const digits = (length: number, max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(length, '0'));
    // Each field a little past its real range (months to 19, days to 39, hours to 29, minutes and seconds to 69).
    const shapedArb = fc
      .tuple(
        fc.oneof(digits(4, 9999), fc.constantFrom('0000', '1900', '2000', '2024', '2100', '2400')),
        digits(2, 19),
        digits(2, 39),
        digits(2, 29),
        digits(2, 69),
        digits(2, 69),
        digits(3, 999),
      )
      .map(([year, month, day, hour, minute, second, millis]) => `${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}Z`);
    fc.assert(
      fc.property(fc.oneof(shapedArb, instantArb), zoneArb, (value, zone) => {
        const parsed = byJsJoda(value);
        expect(isIsoInstant(value)).toBe(parsed !== undefined);
        if (parsed === undefined) return;
        expect(localDateOf(value, zone)).toBe(parsed.toInstant().atZone(ZoneId.of(zone)).toLocalDate().toString());
        expect(addHours(value, 0)).toBe(new Date(parsed.toInstant().toEpochMilli()).toISOString());
      }),
      { numRuns: 2_000 },
    );
    expect(['2025-02-29T10:00:00.000Z', '2025-03-08T24:00:00.000Z', '2025-03-08T10:60:00.000Z'].some(isIsoInstant)).toBe(false);
  });

  it('knows the tz database regions, not bare offsets or made-up names', () => {
    expect(['America/New_York', 'Europe/Berlin', 'UTC'].every(isTimeZone)).toBe(true);
    expect(['+05:00', 'EST5EDT ', 'Mars/Olympus_Mons', '', undefined].some(isTimeZone)).toBe(false);
  });

  it("gives the department's date of an instant: 19:30 in New York is still that day", () => {
    expect(localDateOf('2025-03-08T00:30:00.000Z', 'America/New_York')).toBe('2025-03-07');
    expect(localDateOf('2025-03-07T19:30:00-05:00', 'America/New_York')).toBe('2025-03-07');
    expect(localDateOf('2025-03-08T00:30:00.000Z', 'Asia/Tokyo')).toBe('2025-03-08');
    expect(localDateOf('2025-03-07T15:00:00.000Z', 'Asia/Tokyo')).toBe('2025-03-08');
    // Read models without a department keep the UTC date.
    expect(dateOf('2025-03-08T00:30:00.000Z')).toBe('2025-03-08');
  });

  it('ends a local day at the next local midnight, across the daylight saving changes', () => {
    expect(endOfLocalDay('2025-03-08', 'America/New_York')).toBe('2025-03-09T05:00:00.000Z');
    // 2025-03-09 springs forward: a 23-hour day; 2025-11-02 falls back: a 25-hour day.
    expect(endOfLocalDay('2025-03-09', 'America/New_York')).toBe('2025-03-10T04:00:00.000Z');
    expect(hoursBetween(endOfLocalDay('2025-03-08', 'America/New_York'), endOfLocalDay('2025-03-09', 'America/New_York'))).toBe(23);
    expect(hoursBetween(endOfLocalDay('2025-11-01', 'America/New_York'), endOfLocalDay('2025-11-02', 'America/New_York'))).toBe(25);
    // Havana springs forward at midnight: 2025-03-09 begins at 01:00, so 03-08 ends then.
    expect(endOfLocalDay('2025-03-08', 'America/Havana')).toBe('2025-03-09T05:00:00.000Z');
    expect(localDateOf('2025-03-09T05:00:00.000Z', 'America/Havana')).toBe('2025-03-09');
  });

  it('counts hours as elapsed time, whatever the clocks do', () => {
    expect(addHours('2025-03-08T17:00:00.000Z', 24)).toBe('2025-03-09T17:00:00.000Z');
    expect(addHours('2025-03-08T12:00:00-05:00', 1.5)).toBe('2025-03-08T18:30:00.000Z');
    expect(hoursBetween('2025-03-08T17:00:00.000Z', '2025-03-08T11:00:00.000Z')).toBe(-6);
    expect(yearOf('2025-03-08')).toBe(2025);
  });
});

describe('calendar properties', () => {
  it('adds and counts days as inverses, over leap years', () =>
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -800, max: 800 }), (date, days) => {
        expect(daysBetween(date, addDays(date, days))).toBe(days);
        expect(isIsoDate(addDays(date, days))).toBe(true);
      }),
    ));

  it('ends every local day after it began and before the day after the next has begun', () =>
    fc.assert(
      fc.property(fc.oneof(dateArb, transitionSeasonArb), zoneArb, (date, zone) => {
        const end = endOfLocalDay(date, zone);
        // The last moment before the end still belongs to this day, or to an earlier one where a
        // transition removed this day altogether (Apia skipped 2011-12-30).
        expect(daysBetween(localDateOf(minusOneMs(end), zone), date)).toBeGreaterThanOrEqual(0);
        expect(daysBetween(date, localDateOf(end, zone))).toBeGreaterThanOrEqual(1);
        expect(daysBetween(date, localDateOf(end, zone))).toBeLessThanOrEqual(2);
      }),
    ));

  it('makes each local day last 23 to 25 hours, except where a zone moved across the date line', () =>
    fc.assert(
      fc.property(
        fc.oneof(dateArb, transitionSeasonArb),
        zoneArb.filter((zone) => zone !== 'Pacific/Apia'),
        (date, zone) => {
          const length = hoursBetween(endOfLocalDay(addDays(date, -1), zone), endOfLocalDay(date, zone));
          expect(length).toBeGreaterThanOrEqual(23);
          expect(length).toBeLessThanOrEqual(25);
          expect(localDateOf(minusOneMs(endOfLocalDay(date, zone)), zone)).toBe(date);
          expect(localDateOf(endOfLocalDay(date, zone), zone)).toBe(addDays(date, 1));
        },
      ),
      { numRuns: 500 },
    ));

  it("puts every instant on a local date at most one day from UTC's, and inside that day's bounds", () =>
    fc.assert(
      fc.property(instantArb, zoneArb, (instant, zone) => {
        const local = localDateOf(instant, zone);
        expect(Math.abs(daysBetween(instant.slice(0, 10), local))).toBeLessThanOrEqual(1);
        expect(hoursBetween(instant, endOfLocalDay(local, zone))).toBeGreaterThan(0);
        expect(hoursBetween(endOfLocalDay(addDays(local, -1), zone), instant)).toBeGreaterThanOrEqual(0);
      }),
    ));
});
