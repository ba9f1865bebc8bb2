/**
 * The OpenAPI document the service serves at /openapi.json: valid OpenAPI 3.1 (checked from the
 * specification, test/support/openapi-31.ts), and a true account of the routes: every route with
 * its method, path parameters, access and bearer security, built from the same zod schemas that
 * validate the requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOpenApi31 } from '../support/openapi-31.js';
import { bearer, testServer, type TestServer } from './support.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; 'x-momentic-access'?: string; parameters?: { name: string; in: string }[]; requestBody?: unknown }>>;
  components: { schemas: Record<string, unknown> };
}; // prettier-ignore

describe('/openapi.json', () => {
  let s: TestServer;
  let doc: Doc;
  beforeAll(async () => {
    s = await testServer();
    const r = await s.app.inject({ url: '/openapi.json', headers: bearer(s.tokens.viewer) });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    doc = JSON.parse(r.body) as Doc;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('is a valid OpenAPI 3.1 document', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(checkOpenApi31(doc)).toEqual([]);
  });

  it('lists every route with its method, access and security, and nothing else', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        key: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
        access: op['x-momentic-access'],
        secured: op.security !== undefined,
      })),
    );
    const routes = s.app.routeAccess.filter((r) => r.method !== 'HEAD' && r.url !== '/openapi.json');
    expect(documented.map((d) => d.key).sort()).toEqual(routes.map((r) => `${r.method} ${r.url}`).sort());
    for (const r of routes) {
      const d = documented.find((x) => x.key === `${r.method} ${r.url}`);
      expect(d?.access, d?.key).toBe(r.access);
      expect(d?.secured, d?.key).toBe(r.access !== 'anonymous');
    }
  });

  it('describes a route by the schemas that validate it: the token body, the paging query, the path ids', () => {
    const post = doc.paths['/api/tokens']?.post as {
      requestBody: { content: Record<string, { schema: Record<string, unknown> }> };
    };
    const body = post.requestBody.content['application/json']?.schema;
    expect(body).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['name', 'role'],
      properties: { role: { enum: ['viewer', 'operator', 'admin'] } },
    });
    const equity = doc.paths['/api/runs/{runId}/equity']?.get?.parameters ?? [];
    expect(equity.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['path:runId', 'query:limit', 'query:offset']);
    expect(doc.components.schemas).toHaveProperty('Error');
  });
});

describe('checkOpenApi31', () => {
  const valid: {
    openapi: string;
    info: { title: string; version?: string };
    components: { securitySchemes: Record<string, unknown>; schemas: Record<string, Record<string, unknown>> };
    paths: Record<string, Record<string, Record<string, unknown>>>;
  } = {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    components: { securitySchemes: { b: { type: 'http', scheme: 'bearer' } }, schemas: { A: { type: 'string' } } },
    paths: {
      '/a/{id}': {
        get: {
          security: [{ b: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } } } },
        },
      },
    },
  }; // prettier-ignore
  const broken = (f: (d: typeof valid & Record<string, unknown>) => void): string[] => {
    const d = structuredClone(valid) as typeof valid & Record<string, unknown>;
    f(d);
    return checkOpenApi31(d);
  };
  const op = (d: typeof valid) => d.paths['/a/{id}']!.get!;

  it('accepts a minimal valid document and finds each kind of fault', () => {
    expect(checkOpenApi31(valid)).toEqual([]);
    expect(broken((d) => (d.openapi = '3.0.3'))).toEqual(['/openapi: must be 3.1.x']);
    expect(broken((d) => delete d.info.version)).toEqual(['/info: lacks required field "version"']);
    expect(broken((d) => (op(d).parameters = []))).toEqual([
      '/paths/~1a~1{id}/get: path template {id} has no path parameter',
    ]);
    expect(broken((d) => ((op(d).parameters as { required: boolean }[])[0]!.required = false))).toEqual([
      '/paths/~1a~1{id}/get/parameters/0/required: a path parameter must be required: true',
    ]);
    expect(broken((d) => (op(d).responses = { '200': { content: {} } }))).toEqual([
      '/paths/~1a~1{id}/get/responses/200: lacks required field "description"',
    ]);
    expect(broken((d) => (op(d).responses = { '2xx': { description: 'x' } }))).toEqual([
      '/paths/~1a~1{id}/get/responses/2xx: is not a status code, a 1XX-5XX range or default',
    ]);
    expect(broken((d) => (d.components.schemas = { A: { type: 'string', nullable: true } }))).toEqual([
      '/components/schemas/A/nullable: is OpenAPI 3.0 only: 3.1 writes type: [T, "null"]',
    ]);
    expect(broken((d) => (d.components.schemas = { A: { type: 'strin' } }))[0]).toMatch(
      /^\/components\/schemas\/A\/type: not JSON Schema 2020-12/,
    );
    expect(broken((d) => (d.components.schemas = {}))).toEqual([
      '/paths/~1a~1{id}/get/responses/200/content/application~1json/schema/$ref: #/components/schemas/A resolves to nothing',
    ]);
    expect(broken((d) => (op(d).security = [{ oauth: [] }]))).toEqual([
      '/paths/~1a~1{id}/get/security/0/oauth: names no declared security scheme',
    ]);
    expect(broken((d) => (op(d).produces = ['text/plain']))).toEqual([
      '/paths/~1a~1{id}/get/produces: is not a field of this object',
    ]);
  });
});
