/**
 * Every route, walked as anonymous, viewer, operator and admin, against a table of the status
 * each must answer. The table is keyed by the routes themselves: a route added without a row
 * here fails the test, so none goes out unchecked. Items the routes name exist (a workspace
 * with a backtest, a sweep, a walk-forward, a running session), so a 200 is a real answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/paths.js';
import { bearer, testServer, type TestServer } from './support.js';
import { buildWorkspace, type Workspace } from './workspace-fixture.js';

type Who = 'anonymous' | 'viewer' | 'operator' | 'admin';
const WHO: readonly Who[] = ['anonymous', 'viewer', 'operator', 'admin'];

/** Expected status for anonymous, viewer, operator, admin. */
const OPEN = [200, 200, 200, 200];
const VIEW = [401, 200, 200, 200];
const OPERATE = [401, 403, 200, 200];
const ADMIN = [401, 403, 403, 200];
const NO_NODE = [401, 403, 409, 409];

const TABLE: Readonly<Record<string, readonly number[]>> = {
  'GET /healthz': OPEN,
  'GET /readyz': OPEN,
  'GET /metrics': VIEW,
  'GET /openapi.json': VIEW,
  'GET /api/runs': VIEW,
  'GET /api/runs/:runId': VIEW,
  'GET /api/runs/:runId/equity': VIEW,
  'GET /api/runs/:runId/trades': VIEW,
  'GET /api/runs/:runId/orders': VIEW,
  'GET /api/runs/:runId/signals': VIEW,
  'GET /api/runs/:runId/report': VIEW,
  'GET /api/sweeps': VIEW,
  'GET /api/sweeps/:sweepId': VIEW,
  'GET /api/sweeps/:sweepId/trials': VIEW,
  'GET /api/sweeps/:sweepId/report': VIEW,
  'GET /api/walkforwards': VIEW,
  'GET /api/walkforwards/:walkforwardId': VIEW,
  'GET /api/walkforwards/:walkforwardId/folds': VIEW,
  'GET /api/walkforwards/:walkforwardId/equity': VIEW,
  'GET /api/walkforwards/:walkforwardId/report': VIEW,
  'GET /api/orders': VIEW,
  'GET /api/orders/:runId/:clientOrderId': VIEW,
  'GET /api/fills': VIEW,
  'GET /api/positions': VIEW,
  'GET /api/account': VIEW,
  'GET /api/audit': OPERATE,
  'GET /api/risk': VIEW,
  'GET /api/data': VIEW,
  'GET /api/data/:timeframe/:symbol/quality': VIEW,
  'GET /api/strategies': VIEW,
  'GET /api/strategies/:name': VIEW,
  'GET /api/tokens': ADMIN,
  'POST /api/tokens': [401, 403, 403, 201],
  'DELETE /api/tokens/:id': ADMIN,
  'GET /api/whoami': VIEW,
  'GET /api/pipeline': VIEW,
  'GET /api/pipeline/:pipeline/:date': VIEW,
  'GET /': OPEN,
  'GET /ui/:file': OPEN,
  'POST /api/backtests': [401, 403, 202, 202],
  'POST /api/sweeps': [401, 403, 202, 202],
  'POST /api/walkforwards': [401, 403, 202, 202],
  'GET /api/jobs': VIEW,
  'GET /api/jobs/:jobId': VIEW,
  'DELETE /api/jobs/:jobId': OPERATE,
  // No paper or live session runs in the workspace: an operator's command gets ADMIN_NO_NODE (409).
  ...Object.fromEntries(
    ['halt', 'resume', 'reduce', 'flatten', 'pause', 'unpause', 'set-limit', 'cancel-all'].map((a) => [
      `POST /api/admin/${a}`,
      NO_NODE,
    ]),
  ),
  'GET /api/admin/status': NO_NODE,
  // The WebSocket feed authenticates in its protocol and checks each channel's role on subscribe
  // (test/server/ws.test.ts); a plain GET is told to upgrade, whoever asks.
  'GET /ws': [426, 426, 426, 426],
};

/** A body each POST route takes (a job or a command that passes validation). */
const BODIES: Readonly<Record<string, object>> = {
  '/api/tokens': { name: 'made by the access test', role: 'viewer' },
  '/api/backtests': { strategy: 'sma-cross', symbols: ['ORCL'], start: '2014-01-02', end: '2014-12-31' },
  '/api/sweeps': {
    strategy: 'sma-cross',
    symbols: ['ORCL'],
    params: { fast: '2..3' },
    start: '2014-01-02',
    workers: 1,
  },
  '/api/walkforwards': {
    strategy: 'sma-cross',
    symbols: ['ORCL'],
    params: { fast: '2..3' },
    train: 252,
    test: 126,
    workers: 1,
  },
  '/api/admin/pause': { strategy: 'sma-cross' },
  '/api/admin/unpause': { strategy: 'sma-cross' },
  '/api/admin/set-limit': { key: 'max_position', value: 0.1, reason: 'access test' },
};

/** The least role each WebSocket channel needs (a subscribe below it is refused with API_FORBIDDEN). */
const CHANNEL_TABLE: Readonly<Record<string, string>> = {
  equity: 'viewer',
  orders: 'viewer',
  fills: 'viewer',
  positions: 'viewer',
  signals: 'viewer',
  risk: 'viewer',
  logs: 'operator',
  jobs: 'viewer',
};

describe('access by role, route by route', () => {
  let ws: Workspace;
  let s: TestServer;
  let clientOrderId: string;

  beforeAll(async () => {
    ws = await buildWorkspace();
    s = await testServer({ home: ws.home });
    const [order] = await s.ledger.listOrders({ runId: ws.backtestId, limit: 1 });
    clientOrderId = order?.clientOrderId as string;
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  /** A concrete request for a route: its parameters filled with items that exist. */
  async function requestFor(method: string, url: string) {
    const params: Record<string, string> = {
      runId: ws.backtestId,
      sweepId: ws.sweepId,
      walkforwardId: ws.walkforwardId,
      clientOrderId,
      timeframe: '1d',
      symbol: 'ORCL',
      name: 'sma-cross',
      pipeline: 'daily',
      date: '2024-03-01',
      file: 'main.js',
      // Each DELETE revokes a token of its own.
      id: url.includes(':id')
        ? (await s.ledger.createToken({ id: randomId(), name: 'x', role: 'viewer', secretHash: '00', createdAt: 1 })).id
        : '',
      // Each job route gets a job of its own (in line behind the others, or running).
      jobId: url.includes(':jobId') ? await newJob() : '',
    };
    let path = url.replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(params[k] as string));
    if (url === '/api/fills') path += `?run=${ws.backtestId}`;
    return {
      method: method as 'GET' | 'POST' | 'DELETE',
      url: path,
      ...(method === 'POST' ? { payload: BODIES[url] ?? { reason: 'access test' } } : {}),
    };
  }

  async function newJob(): Promise<string> {
    const r = await s.app.inject({
      method: 'POST',
      url: '/api/backtests',
      headers: bearer(s.tokens.admin),
      payload: BODIES['/api/backtests'] as object,
    });
    return (JSON.parse(r.body) as { job_id: string }).job_id;
  }

  it('has a row for every route, and every route has its row', () => {
    const routes = s.app.routeAccess.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`);
    expect([...routes].sort()).toEqual(Object.keys(TABLE).sort());
  });

  it('is the route table of docs/service.md, access included', () => {
    const doc = readFileSync(join(REPO, 'docs', 'service.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| (GET|POST|DELETE)\s+\| `([^`]+)`\s+\| (\w+)\s+\|/gm)].map(
      (m) => `${m[1]} ${(m[2] as string).replace(/\{(\w+)\}/g, ':$1')} ${m[3]}`,
    );
    const routes = s.app.routeAccess.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url} ${r.access}`);
    expect(rows.sort()).toEqual(routes.sort());
  });

  it('registers each WebSocket channel with the role of its table in docs/service.md', () => {
    const registered = Object.fromEntries(s.deps.channels.list().map((c) => [c.name, c.access]));
    expect(registered).toEqual(CHANNEL_TABLE);
    const doc = readFileSync(join(REPO, 'docs', 'service.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `(\w+)`\s+\| (viewer|operator|admin)\s+\|/gm)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(rows)).toEqual(CHANNEL_TABLE);
    expect(rows).toHaveLength(Object.keys(CHANNEL_TABLE).length);
  });

  it('gives a HEAD route the access of its GET', () => {
    const get = new Map(s.app.routeAccess.filter((r) => r.method === 'GET').map((r) => [r.url, r.access]));
    const heads = s.app.routeAccess.filter((r) => r.method === 'HEAD');
    expect(heads.length).toBe(get.size);
    for (const h of heads) expect(h.access, h.url).toBe(get.get(h.url));
  });

  it('answers each route with the status of the table, for each role', async () => {
    const got: Record<string, number[]> = {};
    for (const key of Object.keys(TABLE)) {
      const [method, url] = key.split(' ') as [string, string];
      got[key] = [];
      for (const who of WHO) {
        const req = await requestFor(method, url);
        const r = await s.app.inject({ ...req, headers: who === 'anonymous' ? {} : bearer(s.tokens[who]) });
        got[key].push(r.statusCode);
        if (r.statusCode === 401 || r.statusCode === 403) {
          // Refusals carry the CLI's error shape with the code that matches the status.
          const code = (JSON.parse(r.body) as { error: { code: string } }).error.code;
          expect(code, `${key} as ${who}`).toBe(r.statusCode === 401 ? 'API_UNAUTHORIZED' : 'API_FORBIDDEN');
        }
      }
    }
    expect(got).toEqual(TABLE);
  }, 60_000);

  it('refuses a revoked token, a wrong secret, a malformed header and a token in the query string', async () => {
    const url = '/api/runs';
    const viewer = s.tokens.viewer;
    const wrongSecret = viewer.replace(/\.(.)/, (_, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    for (const headers of [
      bearer(s.tokens.revoked),
      bearer(wrongSecret),
      { authorization: viewer },
      { authorization: 'Basic dXNlcjpwYXNz' },
      bearer('mtk_0123456789ab.short'),
    ]) {
      const r = await s.app.inject({ url, headers });
      expect(r.statusCode, headers.authorization).toBe(401);
      expect(JSON.parse(r.body).error.code).toBe('API_UNAUTHORIZED');
    }
    const inQuery = await s.app.inject({ url: `/api/runs?access_token=${encodeURIComponent(viewer)}` });
    expect(inQuery.statusCode).toBe(401);
    expect((await s.app.inject({ url, headers: bearer(viewer) })).statusCode).toBe(200);
  });

  it('refuses a token from its next request on once revoked through the API', async () => {
    const made = await s.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: bearer(s.tokens.admin),
      payload: { name: 'short-lived', role: 'operator' },
    });
    const { id, token } = JSON.parse(made.body) as { id: string; token: string };
    expect((await s.app.inject({ url: '/api/audit', headers: bearer(token) })).statusCode).toBe(200);
    const del = await s.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: bearer(s.tokens.admin) });
    expect(del.statusCode).toBe(200);
    expect(JSON.parse(del.body).revoked_at).not.toBeNull();
    expect((await s.app.inject({ url: '/api/audit', headers: bearer(token) })).statusCode).toBe(401);
  });
});

function randomId(): string {
  return Array.from({ length: 12 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
}
