import { exampleOfEachCommand } from '../../testing/examples';
import { commandJsonSchemas } from '../command-schemas';
import type { CareEpisodeCommandType } from '../commands';

interface JsonSchema {
  readonly type?: string;
  readonly description?: string;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly maxItems?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly items?: JsonSchema;
}

/** The problems a JSON Schema finds with a value, for the keywords the command schemas use. */
const problems = (schema: JsonSchema, value: unknown, path: string): string[] => {
  if (schema.const !== undefined && value !== schema.const) return [`${path} is not ${String(schema.const)}`];
  if (schema.enum && !schema.enum.includes(value)) return [`${path} is not one of the enum`];
  if (schema.type === 'string') {
    if (typeof value !== 'string') return [`${path} is not a string`];
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) return [`${path} does not match its pattern`];
    return schema.maxLength !== undefined && value.length > schema.maxLength ? [`${path} is too long`] : [];
  }
  if (schema.type === 'array') {
    if (!Array.isArray(value)) return [`${path} is not an array`];
    return value.flatMap((item, index) => problems(schema.items ?? {}, item, `${path}[${index}]`));
  }
  if (schema.type === 'object') {
    const record = value as Record<string, unknown>;
    const missing = (schema.required ?? []).filter((key) => record[key] === undefined).map((key) => `${path}.${key} is missing`);
    const unknown = Object.keys(record)
      .filter((key) => schema.additionalProperties === false && schema.properties?.[key] === undefined)
      .map((key) => `${path}.${key} is not allowed`);
    const nested = Object.entries(schema.properties ?? {}).flatMap(([key, property]) =>
      record[key] === undefined ? [] : problems(property, record[key], `${path}.${key}`),
    );
    return [...missing, ...unknown, ...nested];
  }
  return [];
};

describe('the JSON Schema of each command', () => {
  const schemas = commandJsonSchemas() as Readonly<Record<CareEpisodeCommandType, JsonSchema>>;

  it('exists for every command type, as a closed object naming its type', () => {
    expect(Object.keys(schemas).sort()).toEqual(Object.keys(exampleOfEachCommand).sort());
    for (const [type, schema] of Object.entries(schemas)) {
      expect(schema).toMatchObject({ type: 'object', additionalProperties: false, properties: { type: { const: type } } });
      expect(schema.required).toEqual(expect.arrayContaining(['type', 'at', 'actor']));
    }
  });

  it('accepts the example of every command type', () => {
    for (const [type, command] of Object.entries(exampleOfEachCommand)) {
      expect(problems(schemas[type as CareEpisodeCommandType], command, 'command')).toEqual([]);
    }
  });

  it('states the bounds and refuses what the zod schema refuses: unknown fields, offset-less instants, over-long text', () => {
    const session = schemas.RecordSession;
    const example = exampleOfEachCommand.RecordSession;
    expect(session.properties?.['session']?.properties?.['patientFeedback']?.maxLength).toBe(20_000);
    expect(session.properties?.['session']?.properties?.['lines']?.maxItems).toBe(20);
    expect(problems(session, { ...example, ssn: 'x' }, 'command')).toEqual(['command.ssn is not allowed']);
    expect(problems(session, { ...example, at: '2025-03-07T17:00:00' }, 'command')).toEqual(['command.at does not match its pattern']);
    expect(problems(session, { ...example, session: { ...example.session, patientFeedback: 'x'.repeat(20_001) } }, 'command')).toEqual([
      'command.session.patientFeedback is too long',
    ]);
  });

  it('describes the fields and commands the clinic needs explained, as the schemas document them', () => {
    expect(schemas.RecordSession.properties?.['session']?.properties?.['selfPay']?.description).toBe(
      "The patient pays this visit; it is outside the payer's authorization.",
    );
    expect(schemas.ReceiveReferral.properties?.['referral']?.properties?.['cancerHistory']?.description).toMatch(
      /^The physician reports a history of cancer/,
    );
    expect(schemas.MarkDeadlinePassed.description).toMatch(/^Sent by the workflow when a timer armed from `dueDates` fires/);
    expect(schemas.RouteReferral.properties?.['therapists']?.items?.properties?.['availability']?.description).toBe(
      'Share of open schedule, 0 (fully booked) to 1 (free).',
    );
  });
});
