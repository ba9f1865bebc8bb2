/**
 * How the service answers what it does not accept: bad JSON, bodies over 1 MB, unknown fields,
 * wrong types, unknown routes, too many requests, and its own failures. Every refusal is the
 * CLI's JSON error shape with the code that names it, and no stack trace leaves the process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/schema.js';
import { ChannelRegistry } from '../../src/server/channels.js';
import { ROUTES } from '../../src/server/routes/index.js';
import { errorSchema } from '../../src/server/schemas/common.js';
import type { RouteModule } from '../../src/server/server-deps.js';
import { bearer, testServer, type TestServer } from './support.js';

/** A route that fails the way a bug does: a plain Error with a path and a stack. */
const failing: RouteModule = {
  name: 'failing',
  register(app) {
    app.get('/api/test-failure', { config: { access: 'viewer' } }, async () => {
      throw new Error('cannot read /home/secret/momentic/state/x.db');
    });
  },
};

function errorOf(body: string) {
  const parsed = errorSchema.safeParse(JSON.parse(body));
  expect(parsed.success, body).toBe(true);
  return parsed.data!.error;
}

describe('requests the service refuses', () => {
  let s: TestServer;
  const logs: string[] = [];

  beforeAll(async () => {
    const { createLoggerSync } = await import('../../src/core/logger.js');
    s = await testServer({
      routes: [...ROUTES, failing],
      logger: createLoggerSync({ level: 'info', write: (l) => logs.push(l) }),
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  const post = (payload: string, contentType = 'application/json') =>
    s.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { ...bearer(s.tokens.admin), 'content-type': contentType },
      payload,
    });

  it('answers a body that is not JSON with 400 API_INVALID_REQUEST', async () => {
    for (const body of ['{"name": "x", "role": ', 'not json', '{"name":"x","role":"viewer"}}']) {
      const r = await post(body);
      expect(r.statusCode, body).toBe(400);
      expect(errorOf(r.body)).toMatchObject({ code: 'API_INVALID_REQUEST', kind: 'usage', exitCode: 2 });
    }
  });

  it('answers a body over 1 MB with 413 API_BODY_TOO_LARGE, before parsing it', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024), role: 'viewer' });
    const r = await post(big);
    expect(r.statusCode).toBe(413);
    expect(errorOf(r.body).code).toBe('API_BODY_TOO_LARGE');
    // Just under the limit the body is parsed and judged by its schema (a 100-character name at most).
    const under = JSON.stringify({ name: 'x'.repeat(1024 * 1024 - 40), role: 'viewer' });
    expect(Buffer.byteLength(under)).toBeLessThanOrEqual(1024 * 1024);
    const r2 = await post(under);
    expect(r2.statusCode).toBe(400);
    expect(errorOf(r2.body)).toMatchObject({ code: 'API_INVALID_REQUEST', context: { key: 'name' } });
  });

  it('refuses fields a route does not know, in the body and in the query, naming the field', async () => {
    const body = await post(JSON.stringify({ name: 'x', role: 'viewer', admin: true }));
    expect(body.statusCode).toBe(400);
    expect(errorOf(body.body)).toMatchObject({ code: 'API_INVALID_REQUEST', context: { key: 'admin', value: 'body' } });
    const query = await s.app.inject({ url: '/api/runs?limit=5&sort=desc', headers: bearer(s.tokens.viewer) });
    expect(query.statusCode).toBe(400);
    expect(errorOf(query.body)).toMatchObject({ code: 'API_INVALID_REQUEST', context: { key: 'sort' } });
    // The token was not created by the refused request.
    expect((await s.ledger.listTokens()).map((t) => t.name)).not.toContain('x');
  });

  it('refuses values of the wrong type or out of range, and a body that is not JSON at all', async () => {
    const role = await post(JSON.stringify({ name: 'x', role: 'root' }));
    expect(errorOf(role.body)).toMatchObject({ code: 'API_INVALID_REQUEST', context: { key: 'role' } });
    const limit = await s.app.inject({ url: '/api/runs?limit=100000', headers: bearer(s.tokens.viewer) });
    expect(limit.statusCode).toBe(400);
    expect(errorOf(limit.body).context.key).toBe('limit');
    const text = await post('name=x&role=viewer', 'application/x-www-form-urlencoded');
    expect(text.statusCode).toBe(400);
    expect(errorOf(text.body).code).toBe('API_INVALID_REQUEST');
    const proto = await post('{"name":"x","role":"viewer","__proto__":{"admin":true}}');
    expect(proto.statusCode).toBe(400);
    expect(errorOf(proto.body).code).toBe('API_INVALID_REQUEST');
  });

  it('answers an unknown route with 404 API_NOT_FOUND in the same shape', async () => {
    const r = await s.app.inject({ url: '/api/nothing-here', headers: bearer(s.tokens.viewer) });
    expect(r.statusCode).toBe(404);
    expect(errorOf(r.body)).toMatchObject({ code: 'API_NOT_FOUND', message: 'no route GET /api/nothing-here' });
  });

  it('answers its own failure with 500 INTERNAL and the request id, never the message or a stack trace', async () => {
    const r = await s.app.inject({ url: '/api/test-failure', headers: bearer(s.tokens.viewer) });
    expect(r.statusCode).toBe(500);
    const e = errorOf(r.body);
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toMatch(/request id req-\w+/);
    expect(r.body).not.toContain('/home/secret');
    expect(r.body).not.toMatch(/\bat .+:\d+:\d+/);
    // The log has the whole error for whoever runs the server.
    const line = logs.find((l) => l.includes('cannot read /home/secret'));
    expect(line).toBeDefined();
    expect(line).toMatch(/"stack":"Error: cannot read/);
  });

  it('sends security headers and no CORS headers, even to a request from another origin', async () => {
    const r = await s.app.inject({
      url: '/api/runs',
      headers: { ...bearer(s.tokens.viewer), origin: 'https://evil.example' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    const preflight = await s.app.inject({
      method: 'OPTIONS',
      url: '/api/runs',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.statusCode).toBe(404);
  });
});

describe('rate limit', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer({
      config: { ...DEFAULTS, serve: { ...DEFAULTS.serve, rate_limit: { max: 3, window: '1m' } } },
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers the request over serve.rate_limit with 429 API_RATE_LIMITED and retry-after; each token has its own budget', async () => {
    const get = (token?: string) =>
      s.app.inject({ url: '/api/runs', headers: token === undefined ? {} : bearer(token) });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await get(s.tokens.viewer)).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    const limited = await get(s.tokens.viewer);
    expect(limited.statusCode).toBe(429);
    expect(errorOf(limited.body).code).toBe('API_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(s.tokens.operator)).statusCode).toBe(200);
    // The probes are not limited: a load balancer polling them never locks itself out.
    for (let i = 0; i < 5; i++) expect((await s.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('counts failed attempts against their address, never against the token whose public id they carry', async () => {
    const admin = s.tokens.admin;
    const forged = `${admin.slice(0, 17)}${'x'.repeat(43)}`; // the admin token's id, a wrong secret
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push((await s.app.inject({ url: '/api/runs', headers: bearer(forged) })).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
    // The admin's own budget is whole, and anonymous callers share the spent address budget.
    for (let i = 0; i < 3; i++)
      expect((await s.app.inject({ url: '/api/runs', headers: bearer(admin) })).statusCode).toBe(200);
    expect((await s.app.inject({ url: '/api/runs' })).statusCode).toBe(429);
  });
});

describe('routes', () => {
  it('each declare who may call them: a route without access stops the server at start', async () => {
    const { buildServer } = await import('../../src/server/app.js');
    const s = await testServer();
    const open: RouteModule = {
      name: 'open',
      register(app) {
        app.get('/api/forgotten', async () => ({ ok: true }));
      },
    };
    const deps = { ...s.deps, channels: new ChannelRegistry() };
    await expect(buildServer({ deps, routes: [...ROUTES, open] })).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'route GET /api/forgotten declares no access (config.access)',
    });
    await s.close();
  });
});

describe('readiness', () => {
  it('is ready when the ledger answers and no node is hosted; not ready once the ledger is gone', async () => {
    const s = await testServer();
    const r = await s.app.inject({ url: '/readyz' });
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({
      ok: true,
      checks: [
        { name: 'ledger', ok: true },
        { name: 'node', ok: true },
      ],
    });
    await s.ledger.close();
    const gone = await s.app.inject({ url: '/readyz' });
    expect(gone.statusCode).toBe(503);
    expect(JSON.parse(gone.body)).toMatchObject({ ok: false, checks: [{ name: 'ledger', ok: false }, { ok: true }] });
    expect((await s.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    await s.close();
  });

  it("needs a hosted node's heartbeat no older than serve.heartbeat_max_age", async () => {
    let now = Date.parse('2026-01-05T15:00:00Z');
    const s = await testServer({ hostsNode: true, now: () => now });
    const status = async () => (await s.app.inject({ url: '/readyz' })).statusCode;
    expect(await status()).toBe(503); // not started: no heartbeat yet
    s.metrics.heartbeat(now);
    expect(await status()).toBe(200);
    now += 30_000; // the default limit, 30 s: still fresh
    expect(await status()).toBe(200);
    now += 1;
    expect(await status()).toBe(503);
    const body = JSON.parse((await s.app.inject({ url: '/readyz' })).body) as { checks: { detail: string }[] };
    expect(body.checks[1]?.detail).toBe('last heartbeat 30.0 s ago (limit 30 s)');
    s.metrics.heartbeat(now);
    expect(await status()).toBe(200);
    await s.close();
  });
});
