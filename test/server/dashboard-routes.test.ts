/**
 * The routes the dashboard adds: its page and files (anonymous, their own CSP, revalidated by
 * ETag), `GET /api/whoami`, the daily pipeline's days and steps from the ledger, and the
 * quarantine counts of `GET /api/data`. The browser side is test/server/dashboard.e2e.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS_DIR } from '../../src/server/dashboard/assets.js';
import { DASHBOARD_CSP } from '../../src/server/routes/dashboard.js';
import { cli } from '../support/cli.js';
import { REPO, SHARED_DATA } from '../support/paths.js';
import { bearer, testServer, type TestServer } from './support.js';

let s: TestServer;

beforeAll(async () => {
  s = await testServer();
  const r = await cli([
    '--home',
    s.home,
    'data',
    'import',
    '--file',
    join(SHARED_DATA, 'orcl-1995-2014.txt'),
    '--symbol',
    'ORCL',
  ]);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await s?.close();
});

describe('the dashboard page and its files', () => {
  it('serves the page at / without a token, with a CSP that allows only this origin', async () => {
    const r = await s.app.inject({ url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toBe(readFileSync(join(ASSETS_DIR, 'index.html'), 'utf8'));
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toBe(DASHBOARD_CSP);
    for (const d of [
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "default-src 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(d);
    }
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('loads no script, style or icon from anywhere but /ui/ on this server', () => {
    const html = readFileSync(join(ASSETS_DIR, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/\b(?:src|href)="([^"#]+)"/g)].map((m) => m[1] as string);
    const loaded = refs.filter((u) => !u.startsWith('https://www.tradingview.com/')); // the attribution link
    expect(loaded.sort()).toEqual(['/ui/icon.svg', '/ui/main.js', '/ui/style.css']);
    expect(html).not.toMatch(/<script>|<style|\sstyle="|\son\w+="/); // nothing inline the CSP would block
  });

  it('serves each file with its content type and a hash ETag, and 304 when unchanged', async () => {
    const cases = [
      ['main.js', 'text/javascript; charset=utf-8'],
      ['style.css', 'text/css; charset=utf-8'],
      ['icon.svg', 'image/svg+xml'],
      ['lightweight-charts.mjs', 'text/javascript; charset=utf-8'],
    ] as const;
    for (const [file, type] of cases) {
      const r = await s.app.inject({ url: `/ui/${file}` });
      expect(r.statusCode, file).toBe(200);
      expect(r.headers['content-type'], file).toBe(type);
      expect(r.headers['content-security-policy'], file).toBe(DASHBOARD_CSP);
      const etag = `"${createHash('sha256').update(r.rawPayload).digest('base64url').slice(0, 27)}"`;
      expect(r.headers.etag, file).toBe(etag);
      const again = await s.app.inject({ url: `/ui/${file}`, headers: { 'if-none-match': etag } });
      expect(again.statusCode, file).toBe(304);
      expect(again.body, file).toBe('');
    }
    const chart = await s.app.inject({ url: '/ui/lightweight-charts.mjs' });
    const pkg = join(
      REPO,
      'node_modules',
      'lightweight-charts',
      'dist',
      'lightweight-charts.standalone.production.mjs',
    );
    expect(chart.body).toBe(readFileSync(pkg, 'utf8'));
  });

  it('answers 404 in the API error shape for a file it does not have, and 400 for a path', async () => {
    const missing = await s.app.inject({ url: '/ui/nothing.js' });
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body).error.code).toBe('API_NOT_FOUND');
    expect((await s.app.inject({ url: '/ui/index.html' })).statusCode).toBe(400); // the page is at /
    expect((await s.app.inject({ url: '/ui/..%2Fapp.ts' })).statusCode).toBe(400);
  });

  it("keeps the JSON routes' strict CSP", async () => {
    const r = await s.app.inject({ url: '/api/runs', headers: bearer(s.tokens.viewer) });
    expect(r.headers['content-security-policy']).toBe(
      "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
    );
  });
});

describe('GET /api/whoami', () => {
  it("names the request's token and role", async () => {
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const r = await s.app.inject({ url: '/api/whoami', headers: bearer(s.tokens[role]) });
      expect(r.statusCode).toBe(200);
      const body = JSON.parse(r.body);
      expect(body).toMatchObject({ name: `test ${role}`, role, server_version: '0.0.0-test' });
      expect(s.tokens[role].startsWith(`mtk_${body.token_id}.`)).toBe(true);
    }
    expect((await s.app.inject({ url: '/api/whoami' })).statusCode).toBe(401);
  });

  it('lists only the channels the role may join: every one but logs for a viewer, all for an operator', async () => {
    const names = async (token: string) =>
      (JSON.parse((await s.app.inject({ url: '/api/whoami', headers: bearer(token) })).body) as { channels: { name: string }[] }).channels.map((c) => c.name); // prettier-ignore
    const viewerChannels = ['equity', 'orders', 'fills', 'positions', 'signals', 'risk', 'jobs'];
    expect((await names(s.tokens.viewer)).sort()).toEqual([...viewerChannels].sort());
    expect((await names(s.tokens.operator)).sort()).toEqual([...viewerChannels, 'logs'].sort());
  });
});

describe('GET /api/pipeline', () => {
  it("lists the days latest first and the latest day's steps in their order, as the ledger has them", async () => {
    const empty = JSON.parse((await s.app.inject({ url: '/api/pipeline', headers: bearer(s.tokens.viewer) })).body);
    expect(empty).toEqual({ days: [], latest: null });
    const l = s.ledger;
    const t = Date.parse('2024-06-03T21:00:00Z');
    for (const [date, fail] of [
      ['2024-05-31', false],
      ['2024-06-03', true],
    ] as const) {
      await l.startPipelineDay('daily', date, t);
      await l.startPipelineStep({ pipeline: 'daily', date, step: 'fetch', position: 0, startedAt: t });
      await l.endPipelineStep({ pipeline: 'daily', date, step: 'fetch', position: 0 }, { status: 'done', endedAt: t + 1500, outputs: { rows: 3 } }); // prettier-ignore
      await l.startPipelineStep({ pipeline: 'daily', date, step: 'trade', position: 1, startedAt: t + 2000 });
      const error = { code: 'VENUE_UNAVAILABLE', message: 'no answer', hint: 'retry later', exitCode: 4 };
      await l.endPipelineStep({ pipeline: 'daily', date, step: 'trade', position: 1 }, fail ? { status: 'failed', endedAt: t + 2250, error } : { status: 'done', endedAt: t + 2250 }); // prettier-ignore
      await l.endPipelineDay('daily', date, fail ? { status: 'failed', endedAt: t + 3000, failedStep: 'trade', error } : { status: 'done', endedAt: t + 3000 }); // prettier-ignore
    }
    const r = await s.app.inject({ url: '/api/pipeline', headers: bearer(s.tokens.viewer) });
    expect(r.statusCode).toBe(200);
    const body = JSON.parse(r.body);
    expect(body.days.map((d: { date: string; status: string }) => `${d.date} ${d.status}`)).toEqual([
      '2024-06-03 failed',
      '2024-05-31 done',
    ]);
    expect(body.latest).toMatchObject({
      date: '2024-06-03',
      failed_step: 'trade',
      error: { code: 'VENUE_UNAVAILABLE', message: 'no answer', hint: 'retry later' },
      started_at: '2024-06-03T21:00:00Z',
      ended_at: '2024-06-03T21:00:03Z',
    });
    expect(body.latest.steps).toEqual([
      { step: 'fetch', position: 0, status: 'done', attempts: 1, started_at: '2024-06-03T21:00:00Z', ended_at: '2024-06-03T21:00:01.500Z', seconds: 1.5, outputs: { rows: 3 }, error: null }, // prettier-ignore
      { step: 'trade', position: 1, status: 'failed', attempts: 1, started_at: '2024-06-03T21:00:02Z', ended_at: '2024-06-03T21:00:02.250Z', seconds: 0.25, outputs: null, error: { code: 'VENUE_UNAVAILABLE', message: 'no answer', hint: 'retry later' } }, // prettier-ignore
    ]);
    const day = await s.app.inject({ url: '/api/pipeline/daily/2024-05-31', headers: bearer(s.tokens.viewer) });
    expect(JSON.parse(day.body).steps.map((x: { status: string }) => x.status)).toEqual(['done', 'done']);
    const none = await s.app.inject({ url: '/api/pipeline/daily/2024-06-04', headers: bearer(s.tokens.viewer) });
    expect(none.statusCode).toBe(404);
    expect(JSON.parse(none.body).error.code).toBe('LEDGER_NOT_FOUND');
    const bad = await s.app.inject({ url: '/api/pipeline/daily/June-4', headers: bearer(s.tokens.viewer) });
    expect(bad.statusCode).toBe(400);
  });
});

describe('GET /api/data quarantine counts', () => {
  it("sums the quarantine manifest's files and rows per dataset", async () => {
    const q = join(s.home, 'data', 'quarantine');
    mkdirSync(q, { recursive: true });
    const rec = (symbol: string, timeframe: string, rows: number) => ({
      file: `${timeframe}/${symbol}/x.csv`, symbol, timeframe, source: 'x.csv', rows, created_at: '2024-01-01T00:00:00Z',
    }); // prettier-ignore
    writeFileSync(join(q, 'manifest.json'), JSON.stringify({ files: [rec('ORCL', '1d', 3), rec('ORCL', '1d', 2), rec('ORCL', '1m', 7), rec('MSFT', '1d', 1)] })); // prettier-ignore
    const r = JSON.parse((await s.app.inject({ url: '/api/data', headers: bearer(s.tokens.viewer) })).body);
    expect(r.datasets.map((d: { symbol: string; quarantine: unknown }) => [d.symbol, d.quarantine])).toEqual([
      ['ORCL', { files: 2, rows: 5 }],
    ]);
  });
});
