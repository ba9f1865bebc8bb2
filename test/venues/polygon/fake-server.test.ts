/** The fake Polygon server itself speaks the spec, so adapter tests against it mean something. */
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_POLYGON_KEY, startFakePolygon, type FakePolygon } from '../../fakes/polygon/server.js';

let fake: FakePolygon | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function get(
  path: string,
  headers: Record<string, string> = { authorization: `Bearer ${FAKE_POLYGON_KEY}` },
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  fake ??= await startFakePolygon();
  const res = await fetch(/^https?:/.test(path) ? path : `${fake.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

type Results = { t: number; o: number; h: number; l: number; c: number; v: number }[];

describe('fake polygon server', () => {
  it('answers 401 with a spec-shaped error body without or with a wrong key', async () => {
    const none = await get('/v2/aggs/ticker/AAPL/range/1/day/2024-01-02/2024-01-05', {});
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 'ERROR', error: 'API Key was not provided' });
    expect(typeof none.body['request_id']).toBe('string');
    const wrong = await get('/v2/aggs/ticker/AAPL/range/1/day/2024-01-02/2024-01-05', { authorization: 'Bearer nope' });
    expect(wrong.body).toMatchObject({ status: 'ERROR', error: 'Unknown API Key' });
  });

  it('also accepts the spec apiKey query parameter', async () => {
    const r = await get(`/v2/aggs/ticker/AAPL/range/1/day/2024-01-02/2024-01-05?apiKey=${FAKE_POLYGON_KEY}`, {});
    expect(r.status).toBe(200);
  });

  it('stamps daily stock bars at New York midnight on XNYS sessions only, with valid OHLC', async () => {
    // 2024-07-03 (early close), 07-04 (Independence Day), 07-05; 07-06/07 weekend.
    const r = await get('/v2/aggs/ticker/AAPL/range/1/day/2024-07-03/2024-07-08');
    const results = r.body['results'] as Results;
    expect(results.map((a) => a.t)).toEqual([
      Date.UTC(2024, 6, 3, 4),
      Date.UTC(2024, 6, 5, 4),
      Date.UTC(2024, 6, 8, 4),
    ]);
    for (const a of results) {
      expect(a.h).toBeGreaterThanOrEqual(Math.max(a.o, a.c));
      expect(a.l).toBeLessThanOrEqual(Math.min(a.o, a.c));
      expect(a.l).toBeGreaterThan(0);
    }
    expect(r.body).toMatchObject({ ticker: 'AAPL', status: 'OK', adjusted: true, resultsCount: 3, queryCount: 3 });
  });

  it('honours ms bounds (inclusive), sort=desc and limit, paging the rest through an absolute next_url', async () => {
    const from = Date.UTC(2024, 0, 2, 14, 30);
    const to = Date.UTC(2024, 0, 2, 14, 39);
    const r = await get(`/v2/aggs/ticker/AAPL/range/1/minute/${from}/${to}?sort=desc&limit=4`);
    const page1 = r.body['results'] as Results;
    expect(page1.map((a) => a.t)).toEqual([9, 8, 7, 6].map((m) => from + m * 60_000));
    const next = r.body['next_url'] as string;
    expect(next.startsWith(`${fake?.url}/v2/aggs/ticker/AAPL/range/1/minute/`)).toBe(true);
    expect(next).not.toContain(FAKE_POLYGON_KEY);
    const r2 = await get(next);
    const r3 = await get(r2.body['next_url'] as string);
    expect((r3.body['results'] as Results).map((a) => a.t)).toEqual([from + 60_000, from]);
    expect(r3.body['next_url']).toBeUndefined();
  });

  it('gives the same bar for the same window whatever the range', async () => {
    const a = await get('/v2/aggs/ticker/MSFT/range/1/day/2024-01-02/2024-01-02');
    const b = await get('/v2/aggs/ticker/MSFT/range/1/day/2023-12-01/2024-01-31');
    const day = (a.body['results'] as Results)[0];
    expect((b.body['results'] as Results).find((x) => x.t === day?.t)).toEqual(day);
  });

  it('omits results on an empty range and rejects a bad limit with 400', async () => {
    const empty = await get('/v2/aggs/ticker/AAPL/range/1/day/2024-01-06/2024-01-07');
    expect(empty.status).toBe(200);
    expect('results' in empty.body).toBe(false);
    expect(empty.body['resultsCount']).toBe(0);
    const bad = await get('/v2/aggs/ticker/AAPL/range/1/day/2024-01-02/2024-01-05?limit=50001');
    expect(bad.status).toBe(400);
    expect(bad.body['status']).toBe('ERROR');
  });

  it('plays scripted faults in request order: 429 with Retry-After, then a normal answer', async () => {
    fake = await startFakePolygon({ script: [{ kind: 'status', status: 429, retryAfter: '3' }] });
    const first = await get('/v2/aggs/ticker/AAPL/range/1/day/2024-01-02/2024-01-05');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    const second = await get('/v2/aggs/ticker/AAPL/range/1/day/2024-01-02/2024-01-05');
    expect(second.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
  });
});
