import { randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import type { Express } from 'express';
import { grantFor, personCommandTypes } from '@careflow/auth';
import { type CatalogueRoute, RouteCatalogue } from '@careflow/api/src/http';
import { worklistViews } from '@careflow/api/src/worklists/worklists';
import { type ApiHarness, call, startApiHarness } from '../support/api-harness';

type ParameterSchema = {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
};

type DocumentedParameter = {
  readonly name: string;
  readonly in: string;
  readonly schema: ParameterSchema;
};

interface DocumentedOperation {
  readonly 'x-careflow-operation'?: string;
  readonly parameters: readonly DocumentedParameter[];
  /** Absent on the FHIR ServiceRequest route, whose body is a FHIR resource (docs/fhir.md). */
  readonly requestBody?: {
    readonly content: { readonly 'application/json'?: { readonly schema: { properties: Record<string, unknown> } } };
  };
}

interface RouterLayer {
  readonly route?: { readonly path: string | string[]; readonly methods: Record<string, boolean> };
}

/** Every route Express serves, read from its router, not from Nest's metadata the document is built from. */
const expressRoutes = (app: Express): Array<{ method: string; path: string }> =>
  ((app as unknown as { router: { stack: RouterLayer[] } }).router.stack ?? []).flatMap((layer) => {
    if (layer.route === undefined) return [];
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    const methods = Object.keys(layer.route.methods);
    // Nest's @All registers every method Express knows; the document gives it as the POST clients send.
    const documented = methods.length > 20 ? ['post'] : methods;
    return paths.flatMap((path) => documented.map((method) => ({ method, path: path.replace(/:(\w+)/g, '{$1}') })));
  });

type Document = { readonly paths: Record<string, Record<string, DocumentedOperation>> };

const routeName = (route: CatalogueRoute): string => `${route.method.toUpperCase()} ${route.path}`;

const queryParametersOf = (document: Document, route: CatalogueRoute): DocumentedParameter[] =>
  (document.paths[route.path]?.[route.method]?.parameters ?? []).filter((parameter) => parameter.in === 'query');

/**
 * Query-string values to try on a parameter: each is valid or not by its documented schema, and the
 * route must agree. Ids, days, instants, numbers and their bounds, the enum's own values.
 */
const wireValues = (schema: ParameterSchema): string[] => [
  'therapist-1',
  'x',
  'x'.repeat(201),
  '0',
  '1',
  '-1',
  '1.5',
  '2026-01-31',
  '2026-02-30',
  '2026-01-31T09:30:00Z',
  '2026-01-31T09:30:00+01:00',
  '2026-01-31T09:30:00',
  ...(schema.enum ?? []).map(String),
  ...[schema.minimum, schema.maximum].flatMap((bound) => (bound === undefined ? [] : [bound - 1, bound, bound + 1].map(String))),
];

// The value a client writes as that text: a number where the schema is numeric (OpenAPI's form style).
const typedValue = (schema: ParameterSchema, text: string): unknown =>
  (schema.type === 'integer' || schema.type === 'number') && Number.isFinite(Number(text)) ? Number(text) : text;

// A long value is named by its start and length, so a failure reads in one line.
const shown = (value: string): string => (value.length > 40 ? `${value.slice(0, 8)}… (${value.length} characters)` : value);

const constrained = (schema: ParameterSchema): boolean =>
  schema.type !== 'string' || ['enum', 'pattern', 'format', 'minLength', 'maxLength'].some((keyword) => keyword in schema);

describe('GET /openapi.json and /docs', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('documents every route Express serves, each with its operation or as public', async () => {
    const { status, body: document } = await call(api, 'GET', '/openapi.json');
    expect(status).toBe(200);
    expect(document.openapi).toBe('3.1.0');
    const served = expressRoutes(api.app.getHttpAdapter().getInstance() as Express);
    expect(served.length).toBeGreaterThan(personCommandTypes.length);
    const missing = served.filter(({ method, path }) => document.paths[path]?.[method] === undefined);
    expect(missing).toEqual([]);
  });

  it('gives every person command a route whose body schema is the domain schema without actor and instant', async () => {
    const { body: document } = await call(api, 'GET', '/openapi.json');
    const commands = Object.values(document.paths as Record<string, Record<string, DocumentedOperation>>)
      .flatMap((operations) => Object.values(operations))
      .filter((operation) => String(operation['x-careflow-operation']).startsWith('command:'));
    // A referral arrives as JSON or as a FHIR ServiceRequest: two routes, one command.
    const documented = [...new Set(commands.map((operation) => String(operation['x-careflow-operation']).slice('command:'.length)))].sort();
    expect(documented).toEqual([...personCommandTypes].sort());
    const ajv = new Ajv2020({ strict: false });
    for (const operation of commands.filter((command) => command.requestBody?.content['application/json'] !== undefined)) {
      const schema = operation.requestBody?.content['application/json']?.schema ?? { properties: {} };
      expect(Object.keys(schema.properties)).not.toEqual(expect.arrayContaining(['actor']));
      expect(schema.properties['at']).toBeUndefined();
      expect(() => ajv.compile(schema)).not.toThrow();
    }
  });

  it('documents the query of every route that reads one: a parameter for each field of the schema it parses', async () => {
    const { body: document } = await call(api, 'GET', '/openapi.json');
    const routes = api.app.get(RouteCatalogue).routes();
    expect(routes.filter((route) => route.readsQuery && route.doc?.query === undefined).map(routeName)).toEqual([]);
    expect(routes.filter((route) => !route.readsQuery && route.doc?.query !== undefined).map(routeName)).toEqual([]);
    const readers = routes.filter((route) => route.readsQuery);
    expect(readers.length).toBeGreaterThan(0);
    for (const route of readers) {
      const documented = queryParametersOf(document, route).map(({ name }) => name);
      expect([routeName(route), documented.sort()]).toEqual([routeName(route), Object.keys(route.doc?.query?.shape ?? {}).sort()]);
    }
  });

  it('has every route accept what its documented query parameters allow, and refuse the rest with a 400 naming the parameter', async () => {
    const { body: document } = await call(api, 'GET', '/openapi.json');
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    // Path parameters the query is read under: a worklist that exists, an episode that does not (the
    // query is parsed before the episode is looked up, so a valid one answers 404, never 400).
    const pathValues: Record<string, string> = { kind: Object.keys(worklistViews)[0] ?? '', id: `E-${randomUUID()}` };
    const urlOf = (route: CatalogueRoute, query: Record<string, string>): string =>
      `${route.path.replace(/\{(\w+)\}/g, (_, name: string) => pathValues[name] ?? `no-test-value-for-${name}`)}?${new URLSearchParams(query)}`;
    const namesParameter = (answer: { status: number; body: { errors?: Array<{ path: string }> } }, name: string): boolean =>
      answer.status === 400 && (answer.body.errors ?? []).some((error) => error.path === name);

    const readers = api.app
      .get(RouteCatalogue)
      .routes()
      .filter((route) => route.readsQuery);
    const mismatches: string[] = [];
    for (const route of readers) {
      const role = route.operation === undefined ? undefined : grantFor(route.operation.operation).roles[0];
      const caller = role === undefined ? {} : { token: await api.token({ userId: 'u-openapi', role, departments: ['D-openapi'] }) };
      for (const { name, schema } of queryParametersOf(document, route)) {
        const verdicts = await Promise.all(
          wireValues(schema).map(async (value) => {
            const valid = ajv.validate(schema, typedValue(schema, value));
            const answer = await call(api, 'GET', urlOf(route, { [name]: value }), caller);
            if (valid ? answer.status === 400 : !namesParameter(answer, name)) {
              mismatches.push(
                `${routeName(route)} ${name}=${shown(value)}: ${answer.status}, the document calls it ${valid ? 'valid' : 'invalid'}`,
              );
            }
            return valid;
          }),
        );
        if (!verdicts.includes(true)) mismatches.push(`${routeName(route)} ${name}: no value tried is valid by the document`);
        if (constrained(schema) && !verdicts.includes(false)) mismatches.push(`${routeName(route)} ${name}: no value tried is invalid`);
      }
      // The query schemas are strict: a parameter the document does not list is refused, so the list is all there is.
      const unlisted = await call(api, 'GET', urlOf(route, { unlisted: '1' }), caller);
      if (!namesParameter(unlisted, 'unlisted')) mismatches.push(`${routeName(route)} unlisted=1: ${unlisted.status}, not a 400 naming it`);
    }
    expect(mismatches).toEqual([]);
  });

  it('serves the interactive docs and their files from the package, without a CDN', async () => {
    const page = await call(api, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/docs/swagger-ui-bundle.js');
    expect(page.text).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${api.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect((await call(api, 'GET', '/docs/..%2Fpackage.json')).status).toBe(404);
  });
});
