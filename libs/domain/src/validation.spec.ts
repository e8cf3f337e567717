import { array, decimal, integer, isoDate, isoInstant, object, oneOf, optional, text, uniqueBy, boolean } from './validation';

describe('command shape checks', () => {
  it('reports the path of the first problem and never the value', () => {
    const schema = object<{ name: string; items: Array<{ id: string; count: number }> }>({
      name: text(),
      items: array(object({ id: text(), count: integer(1, 5) })),
    });
    expect(schema({ name: 'x', items: [{ id: 'a', count: 1 }] }, 'command')).toBeUndefined();
    expect(schema({ name: 'x', items: [{ id: 'a', count: 9 }] }, 'command')).toBe('command.items[0].count must be a whole number from 1 to 5');
    expect(schema({ name: 'secret', items: 'nope' }, 'command')).toBe('command.items must be a list of 0 to 500 entries');
    expect(schema(null, 'command')).toBe('command must be an object');
    expect(schema([], 'command')).toBe('command must be an object');
  });

  it('checks each primitive', () => {
    expect(text({ max: 3 })('abcd', 'p')).toMatch(/at most 3/);
    expect(text()('   ', 'p')).toMatch(/non-empty/);
    expect(isoDate('2025-02-30', 'p')).toMatch(/calendar date/);
    expect(isoInstant('yesterday', 'p')).toMatch(/instant/);
    expect(decimal(0, 1)(Number.NaN, 'p')).toMatch(/number from 0 to 1/);
    expect(integer(0, 1)(0.5, 'p')).toMatch(/whole number/);
    expect(boolean('yes', 'p')).toMatch(/true or false/);
    expect(oneOf(['a', 'b'] as const)('c', 'p')).toBe('p must be one of a, b');
    expect(optional(integer(0, 1))(undefined, 'p')).toBeUndefined();
    expect(array(integer(0, 1), { min: 1 })([], 'p')).toMatch(/1 to 500/);
  });

  it('refuses repeated ids in a list', () => {
    const schema = uniqueBy(array(object<{ id: string }>({ id: text() })), 'id');
    expect(schema([{ id: 'a' }, { id: 'b' }], 'p')).toBeUndefined();
    expect(schema([{ id: 'a' }, { id: 'a' }], 'p')).toBe('p must not repeat a id');
    expect(schema('x', 'p')).toMatch(/list/);
  });
});
