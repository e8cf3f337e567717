/**
 * The OpenAPI 3.1 document of the running app: every route Nest serves (RouteCatalogue), its
 * operation and roles from the permission table, and request bodies and query parameters as JSON Schema
 * generated from the same zod schemas the routes validate with (episode commands: the domain's
 * commandJsonSchemas).
 */
import { z } from 'zod';
import { grantFor } from '@careflow/auth';
import type { CareEpisodeCommandType } from '@careflow/domain';
import { commandJsonSchemas } from '@careflow/domain';
import type { CatalogueRoute, JsonSchema } from '../http';
import { problemContentType } from '../http';

/** Fields the server stamps on a command; the body a client sends has none of them. */
const stampedFields = ['type', 'at', 'actor', 'episodeId'];

// OpenAPI's readOnly means "never sent in a request"; zod marks read-only records with it.
const withoutReadOnly = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutReadOnly);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'readOnly' && key !== '$schema')
      .map(([key, inner]) => [key, withoutReadOnly(inner)]),
  );
};

/** A command's body: its schema without what the server stamps (actor from the token, `at` from its clock). */
export const commandBodySchema = (type: CareEpisodeCommandType): JsonSchema => {
  const schema = withoutReadOnly(commandJsonSchemas()[type]) as JsonSchema & {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  return {
    ...schema,
    properties: Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([field]) => !stampedFields.includes(field))),
    required: (schema.required ?? []).filter((field) => !stampedFields.includes(field)),
  };
};

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
}

/**
 * One query parameter per field of the route's query schema. zod's input side is what a client may send:
 * a field with a default may be left out, and a coerced number is the number written as text (OpenAPI's
 * `form` style). A field zod cannot put into JSON Schema throws rather than being documented as anything.
 */
export const queryParameters = (query: z.ZodObject): Parameter[] => {
  const { properties = {}, required = [] } = z.toJSONSchema(query, { io: 'input', unrepresentable: 'throw' }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, { description, ...schema }]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    ...(typeof description === 'string' ? { description } : {}),
    schema,
  }));
};

const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details; never echoes a value the client sent.',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', description: "The domain rule's code (422)." },
    errors: {
      type: 'array',
      description: 'Every field at fault (400).',
      items: { type: 'object', properties: { path: { type: 'string' }, problem: { type: 'string' } }, required: ['path', 'problem'] },
    },
    conflictingFields: {
      type: 'array',
      items: { type: 'string' },
      description: 'Fields that differ from the referral received first (409).',
    },
  },
  required: ['type', 'title', 'status'],
};

const problem = (description: string) => ({
  description,
  content: { [problemContentType]: { schema: { $ref: '#/components/schemas/Problem' } } },
});

const operationIdOf = (route: CatalogueRoute): string =>
  `${route.method}${route.path
    .split('/')
    .map((part) => part.replace(/[{}]/g, '').replace(/(^|[-_.:])(\w)/g, (_, __: string, letter: string) => letter.toUpperCase()))
    .join('')}`;

const operationOf = (route: CatalogueRoute): Record<string, unknown> => {
  const parameters: Parameter[] = [
    ...(route.path.match(/\{\w+\}/g) ?? []).map((placeholder): Parameter => ({
      name: placeholder.slice(1, -1),
      in: 'path',
      required: true,
      schema: { type: 'string' },
    })),
    ...(route.doc?.query === undefined ? [] : queryParameters(route.doc.query)),
  ];
  const answers = route.doc?.answers ?? { 200: 'OK' };
  const responses: Record<string, unknown> = Object.fromEntries(
    Object.entries(answers).map(([status, description]) => [status, { description, content: { 'application/json': { schema: {} } } }]),
  );
  if (route.operation === undefined) {
    return { operationId: operationIdOf(route), summary: route.doc?.summary ?? route.path, security: [], parameters, responses };
  }
  const grant = grantFor(route.operation.operation);
  Object.assign(responses, {
    400: problem('Malformed: every field at fault is named.'),
    401: problem('No valid bearer token.'),
    403: problem("The caller's role may not do this."),
    404: problem("Unknown, or of a department not in the caller's token."),
    503: problem('The audit record could not be written (the request is refused), or a dependency is down.'),
  });
  if (route.method === 'post' && route.path.startsWith('/episodes/')) {
    Object.assign(responses, {
      409: problem('The episode changed since the If-Match version.'),
      422: problem('A rule refused the command (its code and message), or an Idempotency-Key reused for another body.'),
    });
    parameters.push(
      { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } },
      { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' } },
    );
  }
  return {
    operationId: operationIdOf(route),
    summary: route.doc?.summary ?? route.path,
    description: `Operation \`${route.operation.operation}\`: ${grant.roles.join(', ')} (${grant.scope === 'department' ? 'own departments' : 'hospital-wide'}).`,
    'x-careflow-operation': route.operation.operation,
    security: [{ bearer: [] }],
    parameters,
    ...(route.doc?.body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: withoutReadOnly(route.doc.body) } } } }),
    responses,
  };
};

export const openApiDocument = (routes: readonly CatalogueRoute[]): Record<string, unknown> => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    // `all` routes (the codec endpoint) are documented as the POST the Temporal UI sends.
    const method = route.method === 'all' ? 'post' : route.method;
    paths[route.path] = { ...paths[route.path], [method]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Careflow API',
      version: '1',
      description: 'Care episodes of clinical massage therapy: referrals, commands, settings. See docs/api.md.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: problemSchema },
    },
  };
};
