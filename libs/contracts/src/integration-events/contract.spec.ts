import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { careEpisodeEventTypes } from '@careflow/domain';
import { breakingChanges, contractProblems } from './compatibility';
import { publishedSchemas, schemaFileText, type JsonSchema } from './json-schemas';
import { currentIntegrationEventVersions } from './schemas';

const committedDirectory = join(__dirname, '..', '..', 'schemas');
const fixtures = join(__dirname, '__fixtures__');

const readSchemas = (directory: string): Map<string, JsonSchema> =>
  new Map(
    readdirSync(directory)
      .filter((name) => name.endsWith('.json'))
      .map((name) => [name, JSON.parse(readFileSync(join(directory, name), 'utf8')) as JsonSchema]),
  );

describe('the published integration-event schemas (contract)', () => {
  it('given the committed schema files, when compared with what the code generates, then they are the same files byte for byte (run `npm run contracts:generate`)', () => {
    const generated = new Map(publishedSchemas().map(({ fileName, schema }) => [fileName, schemaFileText(schema)]));
    const committed = new Map(readdirSync(committedDirectory).map((name) => [name, readFileSync(join(committedDirectory, name), 'utf8')]));

    expect([...committed.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [fileName, text] of generated) expect({ fileName, text: committed.get(fileName) }).toEqual({ fileName, text });
  });

  it('given the committed schema of each published version, when the code generates it now, then nothing changed incompatibly and no version is gone', () => {
    expect(contractProblems(readSchemas(committedDirectory), publishedSchemas())).toEqual([]);
  });

  it('given every care-episode event type, then each has a current version with a published schema', () => {
    const files = new Set(publishedSchemas().map(({ fileName }) => fileName));
    for (const type of careEpisodeEventTypes) expect(files).toContain(`${type}.v${currentIntegrationEventVersions[type]}.json`);
  });

  it('given committed schemas holding a field the code has since dropped (a fixture), when checked, then the contract test names the breaking change', () => {
    expect(contractProblems(readSchemas(join(fixtures, 'committed-before-a-breaking-change')), publishedSchemas())).toEqual([
      'NoShowRecorded.v1.json: reminderSent was removed or renamed',
    ]);
  });

  it('given a committed version the code no longer has, when checked, then it is named', () => {
    const committed = new Map([['NoShowRecorded.v7.json', { type: 'object' } as JsonSchema]]);

    expect(contractProblems(committed, publishedSchemas())).toEqual([
      'NoShowRecorded.v7.json: this published version is gone from the code; keep it while messages of it may exist',
    ]);
  });
});

describe('breakingChanges (fixture pairs of a previous and a next revision)', () => {
  const pair = (name: string): [JsonSchema, JsonSchema] => {
    const read = (file: string) => JSON.parse(readFileSync(join(fixtures, 'schema-changes', name, file), 'utf8')) as JsonSchema;
    return [read('previous.json'), read('next.json')];
  };

  it.each([
    ['breaking-removed-field', ['consecutiveNoShows was removed or renamed']],
    ['breaking-renamed-field', ['consecutiveNoShows was removed or renamed', 'noShowsInARow is a new required field']],
    ['breaking-changed-type', ['consecutiveNoShows changed type from integer to string']],
    ['breaking-changed-nested-type', ['actor.role changed type from string to integer']],
    ['breaking-new-required-field', ['therapistId is a new required field']],
    ['breaking-required-made-optional', ['date was required and became optional']],
    ['breaking-enum-value-removed', ['cancelledBy no longer allows "clinic"']],
    ['compatible-optional-field-added', []],
    ['compatible-enum-value-added', []],
  ])('given the %s fixture, then the breaking changes are %j', (name, expected) => {
    const [previous, next] = pair(name);

    expect(breakingChanges(previous, next)).toEqual(expected);
  });

  it('given an optional field that becomes required, then that is breaking', () => {
    const previous = { type: 'object', properties: { a: { type: 'string' } } } as JsonSchema;
    const next = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } as JsonSchema;

    expect(breakingChanges(previous, next)).toEqual(['a became required']);
  });

  it('given a union that loses a branch, then that is breaking; one that gains a branch is not', () => {
    const technique = { type: 'object', properties: { kind: { type: 'string', const: 'technique' } }, required: ['kind'] };
    const site = { type: 'object', properties: { kind: { type: 'string', const: 'site' } }, required: ['kind'] };
    const both = { type: 'array', items: { oneOf: [technique, site] } } as JsonSchema;
    const one = { type: 'array', items: { oneOf: [technique] } } as JsonSchema;

    expect(breakingChanges(both, one)).toEqual(['[] lost union branch 2 (or changed it incompatibly)']);
    expect(breakingChanges(one, both)).toEqual([]);
  });
});
