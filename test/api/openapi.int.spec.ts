import Ajv2020 from 'ajv/dist/2020';
import type { Express } from 'express';
import { personCommandTypes } from '@careflow/auth';
import { type ApiHarness, call, startApiHarness } from '../support/api-harness';

interface DocumentedOperation {
  readonly 'x-careflow-operation'?: string;
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
