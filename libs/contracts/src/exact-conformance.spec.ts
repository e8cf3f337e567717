import fc from 'fast-check';
import type { z } from 'zod';
import { careEpisodeEventTypes } from '@careflow/domain';
import { billingEventSchemas, billingEventTypes, currentBillingEventVersions } from './billing-charges/schemas';
import { sampleChargeSet, sampleClaim } from './billing-charges/testing';
import { conformsExactly } from './exact-conformance';
import { currentIntegrationEventVersions, integrationEventSchemas } from './integration-events/schemas';
import { sampleOfEachEvent } from './integration-events/testing/canaries';
import { toIntegrationEvent } from './integration-events/to-integration-event';

const everySchema: Array<{ readonly name: string; readonly schema: z.ZodType }> = [
  ...careEpisodeEventTypes.flatMap((type) =>
    Object.entries(integrationEventSchemas[type] as Readonly<Record<string, z.ZodType>>).map(([version, schema]) => ({
      name: `${type} v${version}`,
      schema,
    })),
  ),
  ...billingEventTypes.flatMap((type) =>
    Object.entries(billingEventSchemas[type] as Readonly<Record<string, z.ZodType>>).map(([version, schema]) => ({
      name: `${type} v${version}`,
      schema,
    })),
  ),
];

interface Def {
  readonly type: string;
  readonly checks?: ReadonlyArray<{ readonly _zod: { readonly def: { readonly check: string } } }>;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}

/** Checks ajv sees because zod writes them into the JSON Schema, by the type they sit on. */
const checksInJsonSchema: Readonly<Record<string, readonly string[]>> = {
  string: ['min_length', 'max_length', 'length_equals', 'string_format'],
  number: ['greater_than', 'less_than', 'multiple_of', 'number_format'],
  array: ['min_length', 'max_length', 'length_equals'],
};
const withoutChecks = ['object', 'enum', 'literal', 'boolean', 'null', 'optional', 'nullable', 'readonly', 'union'];

/** Each place in a schema where zod checks something its JSON Schema would not say (so ajv would not check it). */
const invisibleChecks = (schema: z.ZodType, path: string): string[] => {
  const def = schema._zod.def as unknown as Def;
  const allowed = checksInJsonSchema[def.type];
  const here =
    allowed === undefined
      ? withoutChecks.includes(def.type) && (def.checks ?? []).length === 0
        ? []
        : [`${path || '(the event)'}: ${def.type} with ${(def.checks ?? []).length} check(s)`]
      : (def.checks ?? []).filter((check) => !allowed.includes(check._zod.def.check)).map((check) => `${path}: ${check._zod.def.check}`);
  const inner = [
    ...Object.entries(def.shape ?? {}).flatMap(([name, field]) => invisibleChecks(field, path ? `${path}.${name}` : name)),
    ...(def.element ? invisibleChecks(def.element, `${path}[]`) : []),
    ...(def.innerType ? invisibleChecks(def.innerType, path) : []),
    ...(def.options ?? []).flatMap((option, index) => invisibleChecks(option, `${path}|${index}`)),
  ];
  return [...here, ...inner];
};

const samples: Array<{ readonly name: string; readonly schema: z.ZodType; readonly data: unknown }> = [
  ...careEpisodeEventTypes.map((type) => {
    const event = toIntegrationEvent(sampleOfEachEvent[type], { episodeId: 'episode-1', patientKey: 'c'.repeat(64) });
    return { name: type, schema: integrationEventSchemas[type][currentIntegrationEventVersions[type]] as z.ZodType, data: event.data };
  }),
  {
    name: 'ChargeSetChanged',
    schema: billingEventSchemas.ChargeSetChanged[currentBillingEventVersions.ChargeSetChanged],
    data: sampleChargeSet,
  },
  { name: 'ClaimIssued', schema: billingEventSchemas.ClaimIssued[currentBillingEventVersions.ClaimIssued], data: sampleClaim },
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every place in a JSON value, as the keys and indexes that lead there. */
const pathsIn = (value: Json, path: ReadonlyArray<string | number> = []): ReadonlyArray<ReadonlyArray<string | number>> => [
  path,
  ...(Array.isArray(value)
    ? value.flatMap((item, index) => pathsIn(item, [...path, index]))
    : value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([key, item]) => pathsIn(item, [...path, key]))
      : []),
];

type Mutation = (value: Json) => Json;

/** A copy of `value` with `mutate` applied at `path`. */
const mutateAt = (value: Json, path: ReadonlyArray<string | number>, mutate: Mutation): Json => {
  const [head, ...rest] = path;
  if (head === undefined) return mutate(value);
  if (Array.isArray(value)) return value.map((item, index) => (index === head ? mutateAt(item, rest, mutate) : item));
  if (value !== null && typeof value === 'object') return { ...value, [head]: mutateAt(value[head] ?? null, rest, mutate) };
  return value;
};

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.jsonValue().map(
    (replacement): Mutation =>
      () =>
        replacement as Json,
  ),
  fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue()).map(
    ([key, extra]): Mutation =>
      (value) =>
        value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value, [key]: extra as Json } : value,
  ),
  fc.string({ maxLength: 12 }).map((key): Mutation => (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const { [key]: _removed, ...rest } = value;
    return Object.keys(value).length > 0 && !(key in value) ? Object.fromEntries(Object.entries(value).slice(1)) : rest;
  }),
  fc.integer({ min: 1, max: 14 }).map(
    (times): Mutation =>
      (value) =>
        Array.isArray(value) ? Array.from({ length: times }, () => value).flat() : value,
  ),
  fc.constantFrom<Mutation>(
    (value) => (typeof value === 'string' ? value.repeat(60) : value),
    (value) => (typeof value === 'string' ? `${value}\u{1F600}` : value),
    (value) => (typeof value === 'string' ? '' : value),
    (value) => (typeof value === 'number' ? -value - 1 : value),
    (value) => (typeof value === 'number' ? value + 0.5 : value),
    (value) => (Array.isArray(value) ? [] : value),
  ),
);

describe('conformsExactly (the fast yes before zod)', () => {
  it('given every published schema, when its checks are listed, then each is one zod writes into the JSON Schema ajv compiles', () => {
    expect(everySchema.flatMap(({ name, schema }) => invisibleChecks(schema, '').map((place) => `${name} ${place}`))).toEqual([]);
  });

  it('given a sample of each published type exactly as produced, when checked, then it conforms (the fast path is the common one)', () => {
    expect(samples.filter(({ schema, data }) => !conformsExactly(schema, data)).map(({ name }) => name)).toEqual([]);
  });

  it('given any sample changed anywhere (a value replaced, a field added or removed, a list or text grown), when it conforms, then zod parses it to an equal value', () => {
    const sample = fc.constantFrom(...samples).chain((entry) =>
      fc.record({
        entry: fc.constant(entry),
        path: fc.constantFrom(...pathsIn(entry.data as Json)),
        mutate: mutation,
      }),
    );
    fc.assert(
      fc.property(sample, ({ entry, path, mutate }) => {
        const changed = mutateAt(entry.data as Json, path, mutate);
        if (!conformsExactly(entry.schema, changed)) return;
        const parsed = entry.schema.safeParse(changed);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toStrictEqual(changed);
      }),
      { numRuns: 3_000 },
    );
  });

  it('given a field the schema lacks, nested or on top, or a value zod refuses (a fifth pointer, an id too long in UTF-16 units), when checked, then it does not conform', () => {
    const claimIssued = billingEventSchemas.ClaimIssued[currentBillingEventVersions.ClaimIssued];
    expect(conformsExactly(claimIssued, { ...sampleClaim, memberId: 'canary' })).toBe(false);
    expect(conformsExactly(claimIssued, { ...sampleClaim, lines: [{ ...sampleClaim.lines[0], note: 'canary' }] })).toBe(false);
    expect(conformsExactly(claimIssued, { ...sampleClaim, lines: [{ ...sampleClaim.lines[0], diagnosisPointers: [1, 2, 3, 4, 5] }] })).toBe(
      false,
    );
    expect(conformsExactly(claimIssued, { ...sampleClaim, totalChargeCents: -1 })).toBe(false);
    // 200 code points but 201 UTF-16 units: over an id's 200 as zod (and JavaScript) count.
    expect(conformsExactly(claimIssued, { ...sampleClaim, payerId: `${'p'.repeat(199)}\u{1F600}` })).toBe(false);
  });
});
