/**
 * The domain's command schemas promise that whatever they accept can be stored: these check the
 * promise against the store's own preparation of an append, with commands generated from the
 * commands' JSON Schemas and texts chosen to hurt (NUL, broken surrogates, control characters,
 * multi-byte characters, maximal lengths).
 */
import {
  commandJsonSchemas,
  decide,
  DomainError,
  fold,
  maxCommandBytes,
  parseCommand,
  type CareEpisodeCommand,
  type CareEpisodeCommandType,
} from '@careflow/domain';
import fc from 'fast-check';
import { prepareAppend } from './prepare-append';

interface JsonSchema {
  readonly type?: string;
  readonly const?: string;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
}

const recordedAt = '2025-03-01T10:00:05.000Z';

// Characters that grow in UTF-8 or in JSON escapes, and rarer ones the store refuses (NUL, halves of a pair) or ids refuse.
const characterArb = fc.oneof(
  { weight: 200, arbitrary: fc.constantFrom('a', 'b', 'c', ' ', '"', '\\', '\u00e9', '\u20ac', '\ud83d\ude00', '\u2028') },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\ud83d', '\ude00', '\u0001', '\n') },
);
/** One chunk repeated to `length` code units: whole characters only, or cut anywhere (even inside a pair). */
const repeated = (chunk: string, length: number, cutAnywhere: boolean): string => {
  const text = chunk.repeat(length);
  if (cutAnywhere) return text.slice(0, length);
  const characters = Array.from(text);
  let units = 0;
  const kept = characters.filter((character) => (units += character.length) <= length);
  return kept.join('');
};
/** Short texts, or long ones up to the limit. */
const textArb = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .array(characterArb, { minLength: 1, maxLength: Math.min(maxLength, 12) })
        .map((characters) => `a${characters.join('')}`.slice(0, maxLength)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.array(characterArb, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: maxLength }), fc.boolean())
        .map(([chunk, length, cutAnywhere]) => repeated(`a${chunk.join('')}`, length, cutAnywhere)),
    },
  );

const instantArb = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

/** Values shaped by a JSON Schema (the keywords the command schemas use); refinements are left to chance. */
const arbitraryOf = (schema: JsonSchema): fc.Arbitrary<unknown> => {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  if (schema.anyOf !== undefined) return fc.oneof(...schema.anyOf.map(arbitraryOf));
  switch (schema.type) {
    case 'string':
      if (schema.pattern === undefined) return textArb(schema.maxLength ?? 100);
      return schema.pattern.includes('T') ? instantArb : instantArb.map((instant) => instant.slice(0, 10));
    case 'integer':
      return fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(arbitraryOf(schema.items ?? {}), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, 5),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      return fc.record(Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, arbitraryOf(property)])), {
        requiredKeys: Object.keys(properties).filter((key) => required.has(key)),
      });
    }
    default:
      throw new Error(`the generator does not know JSON Schema type ${String(schema.type)}`);
  }
};

const schemas = commandJsonSchemas() as Readonly<Record<CareEpisodeCommandType, JsonSchema>>;
const candidateArb = fc.oneof(...Object.values(schemas).map((schema) => arbitraryOf(schema)));

const appendOf = (streamId: string, data: object) =>
  prepareAppend(
    streamId,
    0,
    [
      {
        eventId: '6f1c1c64-5d1e-4d2e-9a53-0c9f4d0e2b11',
        type: 'CommandReceived',
        data: data as never,
        metadata: { actor: 'user-1', correlationId: 'corr-1', occurredAt: '2025-03-01T10:00:00Z' },
      },
    ],
    recordedAt,
  );

/** What the domain accepted, or undefined; the stream id is the episode id where a command names one. */
const accepted = (value: unknown): CareEpisodeCommand | undefined => {
  const parsed = parseCommand(value);
  return parsed instanceof DomainError ? undefined : parsed;
};

describe('commands the domain accepts, in the event store', () => {
  it('pass the store’s preparation of an append, as event data and with their episode id as the stream id', () => {
    fc.assert(
      fc.property(candidateArb, (candidate) => {
        const command = accepted(candidate);
        if (command === undefined) return;
        const streamId = command.type === 'ReceiveReferral' ? command.episodeId : 'episode-1';
        expect(() => appendOf(streamId, command)).not.toThrow();
      }),
      { numRuns: 400 },
    );
  });

  it('are generated near the limits, so the property above is not vacuous', () => {
    const sample = fc.sample(candidateArb, { numRuns: 400, seed: 7 });
    const sizes = sample.flatMap((candidate) => {
      const command = accepted(candidate);
      return command === undefined ? [] : [Buffer.byteLength(JSON.stringify(command), 'utf8')];
    });
    expect(sizes.length).toBeGreaterThan(100);
    expect(sizes.some((size) => size > 20_000)).toBe(true);
    expect(sample.length - sizes.length).toBeGreaterThan(20);
  });

  it('refuse what the store would refuse, naming the field', () => {
    const [candidate] = fc.sample(arbitraryOf(schemas.PlaceOnHold), { numRuns: 1, seed: 1 }) as Array<Record<string, unknown>>;
    const withNul = { ...candidate, at: '2025-03-01T10:00:00Z', actor: { userId: 'u', role: 'department-lead' }, reason: 'away\u0000' };
    expect(() => appendOf('episode-1', withNul)).toThrow(/contains a NUL character/);
    expect(parseCommand(withNul)).toMatchObject({
      code: 'INVALID_COMMAND',
      message: expect.stringMatching(/command\.reason must not contain a NUL/),
    });
  });

  it('stay under the command size limit, which leaves room for the events decided from them', () => {
    // The largest routing decision: a full roster, every id at its longest, every therapist assessed.
    const id = (n: number) => `${String(n).padStart(3, '0')}${'t'.repeat(197)}`;
    const therapists = Array.from({ length: 200 }, (_, n) => ({
      therapistId: id(n),
      departmentId: 'department-1',
      licenses: [{ state: 'MD', number: `L-${n}`, expiresOn: '2025-03-10' }],
      boardCertifications: [],
      specialtyCertificates: [],
      activeEpisodeCount: 10_000,
      availability: 0.5,
    }));
    const at = '2025-03-03T09:00:00Z';
    const actor = { userId: 'u-1', role: 'department-lead' };
    const referral = {
      referralId: 'r-1',
      patient: { mrn: 'm-1', name: 'Test Patient', birthDate: '1970-01-01', sex: 'female', stateOfResidence: 'MD' },
      referringProvider: { name: 'Dr. Referrer', npi: '1234567893', credential: 'MD' },
      diagnosisCodes: ['C50.911'],
      orderedService: 'clinical massage therapy',
      referralDate: '2025-03-01',
      payer: { payerId: 'p-1' },
      cancerHistory: true,
    };
    const received = decide({ type: 'ReceiveReferral', at, actor, episodeId: 'episode-1', referral }, fold([]));
    if (received instanceof DomainError) throw received;
    const route = {
      type: 'RouteReferral',
      at,
      actor: { userId: 'careflow-system', role: 'system' },
      therapists,
      previousTherapistIds: therapists.slice(0, 100).map((t) => t.therapistId),
    };
    expect(accepted(route)).toBeDefined();
    expect(Buffer.byteLength(JSON.stringify(route), 'utf8')).toBeGreaterThan(maxCommandBytes / 2);
    const routed = decide(route, fold(received));
    if (routed instanceof DomainError) throw routed;
    for (const event of routed) expect(() => appendOf('episode-1', event)).not.toThrow();
  });
});
