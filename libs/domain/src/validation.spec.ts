import type { z } from 'zod';
import {
  boolean,
  decimal,
  firstProblem,
  identifier,
  integer,
  isoDate,
  isoInstant,
  list,
  oneOf,
  record,
  text,
  uniqueBy,
  utf8Length,
  withinBytes,
} from './validation';

const problemOf = (schema: z.ZodType, value: unknown): string | undefined => {
  const result = schema.safeParse(value);
  return result.success ? undefined : firstProblem(result.error, 'p');
};

describe('command shape checks', () => {
  it('reports the path of the first problem and never the value', () => {
    const schema = record({ name: text(10), items: list(record({ id: identifier(), count: integer(1, 5) }), { max: 500 }) });
    expect(problemOf(schema, { name: 'x', items: [{ id: 'a', count: 1 }] })).toBeUndefined();
    expect(problemOf(schema, { name: 'x', items: [{ id: 'a', count: 9 }] })).toBe('p.items[0].count must be a whole number from 1 to 5');
    expect(problemOf(schema, { name: 'secret', items: 'nope' })).toBe('p.items must be a list of 0 to 500 entries');
    expect(problemOf(schema, { items: [] })).toBe('p.name must be a non-empty text of at most 10 characters');
    expect(problemOf(schema, null)).toBe('p must be an object');
    expect(problemOf(schema, [])).toBe('p must be an object');
  });

  it('refuses a field it does not know, naming it only when it looks like a field name', () => {
    const schema = record({ inner: record({ known: boolean }) });
    expect(problemOf(schema, { inner: { known: true, ssn: '123-45-6789' } })).toBe('p.inner.ssn is not a field it knows');
    expect(problemOf(schema, { inner: { known: true, 'Jane Doe': true } })).toBe('p.inner has a field it does not know');
  });

  it('checks each primitive', () => {
    expect(problemOf(text(3), 'abcd')).toMatch(/at most 3/);
    expect(problemOf(text(3), '   ')).toMatch(/non-empty/);
    expect(problemOf(text(3), 'a\u0000')).toMatch(/NUL/);
    expect(problemOf(text(3), 'a\ud800')).toMatch(/unpaired/);
    expect(problemOf(text(3), 'a\nb')).toBeUndefined();
    expect(problemOf(identifier(), 'a\nb')).toMatch(/without control characters/);
    expect(problemOf(identifier(), 'a\u007fb')).toMatch(/without control characters/);
    expect(problemOf(isoDate, '2025-02-30')).toMatch(/calendar date/);
    expect(problemOf(isoDate, 20250228)).toMatch(/calendar date/);
    expect(problemOf(decimal(0, 1), Number.NaN)).toMatch(/number from 0 to 1/);
    expect(problemOf(decimal(0, 1), Number.POSITIVE_INFINITY)).toMatch(/number from 0 to 1/);
    expect(problemOf(integer(0, 1), 0.5)).toMatch(/whole number/);
    expect(problemOf(boolean, 'yes')).toMatch(/true or false/);
    expect(problemOf(oneOf(['a', 'b']), 'c')).toBe('p must be one of a, b');
    expect(problemOf(integer(0, 1).optional(), undefined)).toBeUndefined();
    expect(problemOf(list(integer(0, 1), { min: 1, max: 2 }), [])).toMatch(/1 to 2/);
    expect(problemOf(list(integer(0, 1), { max: 2 }), [0, 1, 0])).toMatch(/0 to 2/);
  });

  it.each([
    ['2025-03-03T10:00:00Z', true],
    ['2025-03-03T10:00:00.123Z', true],
    ['2025-03-03T10:00Z', true],
    ['2025-03-03T10:00:00+01:00', true],
    ['2025-03-03T10:00:00-05:30', true],
    ['2025-03-03T10:00:00', false],
    ['2025-03-03T10:00:00.000', false],
    ['2025-03-03', false],
    ['2025-02-30T10:00:00Z', false],
    ['2025-03-03T24:00:00Z', false],
    ['2025-03-03T10:00:00+25:00', false],
    ['yesterday', false],
  ])('takes %s as an instant: %s', (value, valid) => {
    expect(problemOf(isoInstant, value)).toBe(valid ? undefined : 'p must be an ISO 8601 instant with an offset (Z or ±hh:mm)');
  });

  it('refuses repeated ids in a list', () => {
    const schema = uniqueBy(list(record({ id: identifier() }), { max: 5 }), 'id');
    expect(problemOf(schema, [{ id: 'a' }, { id: 'b' }])).toBeUndefined();
    expect(problemOf(schema, [{ id: 'a' }, { id: 'a' }])).toBe('p must not repeat a id');
    expect(problemOf(schema, 'x')).toMatch(/list/);
  });

  it('counts UTF-8 bytes and bounds a whole value by them, JSON escapes included', () => {
    expect(utf8Length('aé€😀')).toBe(1 + 2 + 3 + 4);
    const schema = withinBytes(record({ note: text(2000) }), 1024);
    // {"note":""} takes 11 bytes; a control character is escaped as \u0001, six bytes.
    expect(problemOf(schema, { note: 'a'.repeat(1013) })).toBeUndefined();
    expect(problemOf(schema, { note: 'a'.repeat(1014) })).toBe('p must take at most 1 KiB when stored');
    expect(problemOf(schema, { note: '\u0001'.repeat(168) })).toBeUndefined();
    expect(problemOf(schema, { note: '\u0001'.repeat(169) })).toMatch(/at most 1 KiB/);
  });
});
