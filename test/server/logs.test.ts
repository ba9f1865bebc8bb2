/**
 * No log line of the server carries an API token's secret: not from a token pasted into a query
 * string (under any parameter name), not from the Authorization header, not from a log line
 * that quotes one. The token's public id may appear (it names the caller); its secret never.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoggerSync } from '../../src/core/logger.js';
import { safeUrl } from '../../src/server/request-log.js';
import { bearer, testServer, type TestServer } from './support.js';

const secretOf = (token: string): string => token.split('.')[1] as string;
const idOf = (token: string): string => token.slice(4, 16);

describe('server logs', () => {
  let s: TestServer;
  const lines: string[] = [];

  beforeAll(async () => {
    s = await testServer({ logger: createLoggerSync({ level: 'trace', write: (l) => lines.push(l) }) });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('logs each request with its path, status and token id, and never a token given in the query string', async () => {
    const t = s.tokens.viewer;
    const enc = encodeURIComponent(t);
    lines.length = 0;
    await s.app.inject({ url: `/api/runs?access_token=${enc}` });
    await s.app.inject({ url: `/api/runs?token=${t}&limit=5` });
    await s.app.inject({ url: `/api/strategies?q=${enc}` });
    await s.app.inject({ url: `/api/nothing?api_key=hunter2-not-a-token` });
    await s.app.inject({ url: '/api/runs', headers: bearer(t) });
    const text = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(text).not.toContain(secretOf(t));
    expect(text).not.toContain(secretOf(enc));
    expect(text).not.toContain('hunter2');
    // What is logged instead: the path with the value masked, the status, and who called.
    expect(text).toContain('"url":"/api/runs?access_token=[REDACTED]"');
    expect(text).toContain('"url":"/api/runs?token=[REDACTED]&limit=5"');
    expect(text).toMatch(/"url":"\/api\/strategies\?q=mtk_[0-9a-f]{12}\.\[REDACTED\]"/);
    const ok = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.status === 200);
    expect(ok).toMatchObject({ msg: 'request', method: 'GET', url: '/api/runs', token_id: idOf(t) });
  });

  it('masks a token quoted in any log line or error, wherever it sits', async () => {
    const t = s.tokens.admin;
    lines.length = 0;
    s.app.log.warn({ detail: { header: `Bearer ${t}` } }, `a client sent ${t}`);
    s.app.log.error({ err: new Error(`refused ${t}`) }, 'failure');
    const text = lines.join('');
    expect(lines).toHaveLength(2);
    expect(text).not.toContain(secretOf(t));
    expect(text).toContain(`${t.slice(0, 16)}.[REDACTED]`);
  });

  it('never echoes a refused token in the answer either', async () => {
    const wrong = `${s.tokens.viewer.slice(0, 17)}${'A'.repeat(43)}`;
    const r = await s.app.inject({ url: '/api/runs', headers: bearer(wrong) });
    expect(r.statusCode).toBe(401);
    expect(r.body).not.toContain(secretOf(wrong));
    expect(r.body).toContain(idOf(wrong));
  });
});

describe('safeUrl', () => {
  it('masks the values of credential-like parameters and leaves the rest', () => {
    expect(safeUrl('/api/runs?limit=5&kind=paper')).toBe('/api/runs?limit=5&kind=paper');
    expect(safeUrl('/x?Authorization=abc&password=p&apiKey=k&sig=1&session_token=s')).toBe(
      '/x?Authorization=[REDACTED]&password=[REDACTED]&apiKey=[REDACTED]&sig=1&session_token=[REDACTED]',
    );
    expect(safeUrl('/x?%74oken=abc')).toBe('/x?%74oken=[REDACTED]');
    expect(safeUrl('/x?flag')).toBe('/x?flag');
  });
});
