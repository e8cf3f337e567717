/**
 * Query parameters as the document gives them, from a route's own zod query schema: what a client may
 * send as the query string, field for field.
 */
import { z } from 'zod';
import type { CatalogueRoute } from '../http';
import { episodeListQuery } from '../episodes-read/episode-list';
import { openApiDocument, queryParameters } from './openapi-document';

describe('query parameters', () => {
  it('gives each field its schema as the client sends it, its description, and required only without a default', () => {
    const query = z.strictObject({
      kind: z.string(),
      status: z.enum(['active', 'finished']).optional(),
      due: z.iso.date().meta({ description: 'On or before this day.' }).optional(),
      page: z.coerce.number().int().min(1).max(10).default(1),
    });
    const parameters = queryParameters(query);
    expect(parameters.map(({ name }) => name)).toEqual(['kind', 'status', 'due', 'page']);
    expect(parameters[0]).toEqual({ name: 'kind', in: 'query', required: true, schema: { type: 'string' } });
    expect(parameters[1]).toEqual({
      name: 'status',
      in: 'query',
      required: false,
      schema: { type: 'string', enum: ['active', 'finished'] },
    });
    expect(parameters[2]).toMatchObject({
      name: 'due',
      required: false,
      description: 'On or before this day.',
      schema: { type: 'string', format: 'date' },
    });
    expect(parameters[2]?.schema).not.toHaveProperty('description');
    // On the wire a coerced number is text; its schema is the number the text must be.
    expect(parameters[3]).toEqual({
      name: 'page',
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
    });
  });

  it('refuses a field JSON Schema cannot state rather than documenting it as anything', () => {
    expect(() => queryParameters(z.strictObject({ on: z.coerce.date() }))).toThrow(/Date/);
  });

  it("puts a route's query parameters after its path parameters", () => {
    const route: CatalogueRoute = {
      method: 'get',
      path: '/episodes/{id}/things',
      operation: { operation: 'episode:read' },
      public: false,
      doc: { summary: 'Things', query: episodeListQuery },
      readsQuery: true,
    };
    const document = openApiDocument([route]) as { paths: Record<string, { get: { parameters: Array<{ name: string; in: string }> } }> };
    expect(document.paths['/episodes/{id}/things']?.get.parameters.map((parameter) => `${parameter.in} ${parameter.name}`)).toEqual([
      'path id',
      'query status',
      'query therapist',
      'query due',
      'query page',
    ]);
  });
});
