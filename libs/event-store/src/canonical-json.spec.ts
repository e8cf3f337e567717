import fc from 'fast-check';
import { canonicalJson, isJsonObject, NotCanonicalJsonError } from './canonical-json';

const reversedKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, member]) => [key, reversedKeys(member)]),
    );
  }
  return value;
};

const jsonValue = fc.jsonValue({ noUnicodeString: false }).filter((value) => {
  try {
    canonicalJson(value);
    return true;
  } catch {
    return false;
  }
});

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], A: { d: 2, c: 1.5 } })).toBe('{"A":{"c":1.5,"d":2},"a":[true,null,"x"],"b":1}');
    expect(canonicalJson({ é: 1, z: 2, '10': 3, '9': 4 })).toBe('{"10":3,"9":4,"z":2,"é":1}');
  });

  it('matches a plain reference writer, whichever path a value takes', () => {
    const reference = (value: unknown): string => {
      if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
      if (typeof value === 'object' && value !== null) {
        const members = Object.entries(value).filter(([, member]) => member !== undefined);
        const sorted = members.map(([key]) => key).sort();
        const of = new Map(members);
        return `{${sorted.map((key) => `${JSON.stringify(key)}:${reference(of.get(key))}`).join(',')}}`;
      }
      return JSON.stringify(value);
    };
    fc.assert(fc.property(jsonValue, (value) => expect(canonicalJson(value)).toBe(reference(value))));
    const awkwardKeys = JSON.parse('{"b":{"10":1,"9":2,"__proto__":3,"a":4},"a":[{"z":1,"y":2}]}') as unknown;
    expect(canonicalJson(awkwardKeys)).toBe('{"a":[{"y":2,"z":1}],"b":{"10":1,"9":2,"__proto__":3,"a":4}}');
    expect(canonicalJson(awkwardKeys)).toBe(reference(awkwardKeys));
    // Text that merely looks like an escaped NUL or surrogate is kept as it is.
    const lookalikes = { note: String.raw`\u0000 and \ud800` };
    expect(canonicalJson(lookalikes)).toBe(reference(lookalikes));
  });

  it('writes numbers as JSON.stringify does', () => {
    expect(canonicalJson([1e21, 1.5e-7, -0, 0.1 + 0.2])).toBe('[1e+21,1.5e-7,0,0.30000000000000004]');
  });

  it('leaves out object members that are undefined, as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('reads back as the same value whatever the key order, and is stable when re-canonicalised', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const text = canonicalJson(value);
        // The same JSON value (JSON has no -0, so compare with what JSON.stringify keeps).
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reversedKeys(value))).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  it.each([
    ['a NUL character', { note: 'a\u0000b' }, '$.note contains a NUL character or an unpaired surrogate'],
    ['an unpaired surrogate', { note: '\uD800' }, '$.note contains a NUL character or an unpaired surrogate'],
    ['a non-finite number', { dose: Number.NaN }, '$.dose is not a finite number'],
    ['undefined in an array', { doses: [1, undefined] }, '$.doses[1] is undefined'],
    ['a Date', { on: new Date(0) }, '$.on is not a plain object, array or JSON value'],
    ['a bigint', { units: BigInt(1) }, '$.units is a bigint, which JSON cannot hold'],
    ['a key needing quotes', { 'a b': Number.POSITIVE_INFINITY }, '$["a b"] is not a finite number'],
  ])('refuses %s, naming where it is', (_what, value, message) => {
    expect(() => canonicalJson(value)).toThrow(NotCanonicalJsonError);
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('keeps paired surrogates (emoji)', () => {
    expect(canonicalJson({ mood: '🙂' })).toBe('{"mood":"🙂"}');
  });
});

describe('isJsonObject', () => {
  it('accepts plain objects only', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject(Object.create(null))).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject(new Date())).toBe(false);
    expect(isJsonObject('x')).toBe(false);
  });
});
