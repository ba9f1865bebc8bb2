import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fakeKline, startFakeBinance, type FakeBinance } from '../../fakes/binance/server.js';
import { SHARED } from '../../support/paths.js';
import { NOW } from './context.js';

/** The `/api/v3/klines` entry of the published spec (only that section is parsed: the file is ~1 MB). */
function klinesSpec(): { minItems: number; maxItems: number; example: unknown[]; errorCode: string } {
  const text = readFileSync(join(SHARED, 'specs', 'binance', 'spot_api.yaml'), 'utf8');
  const from = text.indexOf('  /api/v3/klines:');
  const to = text.indexOf('  /api/v3/uiKlines:');
  const doc = parse(text.slice(from, to)) as Record<string, { get: { responses: Record<string, unknown> } }>;
  const ok = doc['/api/v3/klines']?.get.responses['200'] as {
    content: {
      'application/json': { schema: { items: { items: { minItems: number; maxItems: number }; example: unknown[] } } };
    };
  };
  const items = ok.content['application/json'].schema.items;
  return {
    minItems: items.items.minItems,
    maxItems: items.items.maxItems,
    example: items.example,
    errorCode: Object.keys(doc['/api/v3/klines']?.get.responses ?? {}).find((c) => c !== '200') ?? '',
  };
}

let fake: FakeBinance | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function get(
  query: Record<string, string>,
): Promise<{ status: number; body: unknown; weight: string | null; retryAfter: string | null }> {
  const url = new URL('/api/v3/klines', fake?.url);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url);
  return {
    status: res.status,
    body: await res.json(),
    weight: res.headers.get('x-mbx-used-weight-1m'),
    retryAfter: res.headers.get('retry-after'),
  };
}

describe('fake Binance server (follows spot_api.yaml)', () => {
  it('serves rows shaped like the spec example: 12 fields, ints where it has ints, 8-decimal strings', async () => {
    const spec = klinesSpec();
    expect(spec.minItems).toBe(12);
    expect(spec.maxItems).toBe(12);
    fake = await startFakeBinance({ now: () => NOW });
    const { status, body } = await get({
      symbol: 'BTCUSDT',
      interval: '1h',
      startTime: String(Date.UTC(2024, 0, 1)),
      limit: '50',
    });
    expect(status).toBe(200);
    const rows = body as unknown[][];
    expect(rows).toHaveLength(50);
    for (const row of rows) {
      expect(row).toHaveLength(12);
      row.forEach((v, i) => {
        const ex = spec.example[i];
        expect(typeof v).toBe(typeof ex);
        if (typeof ex === 'string' && i < 11) expect(v).toMatch(/^\d+\.\d{8}$/);
      });
      expect(row[6]).toBe((row[0] as number) + 3_600_000 - 1);
    }
  });

  it('serves valid, continuous OHLC: high/low bound open/close and each open is the previous close', async () => {
    fake = await startFakeBinance({ now: () => NOW });
    const { body } = await get({
      symbol: 'ETHUSDT',
      interval: '1m',
      startTime: String(Date.UTC(2024, 2, 1)),
      limit: '1000',
    });
    const rows = body as string[][];
    rows.forEach((r, i) => {
      const [o, h, l, c] = [1, 2, 3, 4].map((j) => Number(r[j]));
      expect(h).toBeGreaterThanOrEqual(Math.max(o as number, c as number));
      expect(l).toBeLessThanOrEqual(Math.min(o as number, c as number));
      expect(l).toBeGreaterThan(0);
      if (i > 0) expect(r[1]).toBe(rows[i - 1]?.[4]);
    });
    expect(new Set(rows.map((r) => r[4])).size).toBeGreaterThan(100); // prices move
  });

  it('honours startTime, endTime and limit (max 1000, default 500), oldest first', async () => {
    fake = await startFakeBinance({ now: () => NOW });
    const start = Date.UTC(2024, 0, 1);
    const day = 86_400_000;
    const range = await get({
      symbol: 'BTCUSDT',
      interval: '1d',
      startTime: String(start + 1),
      endTime: String(start + 5 * day),
    });
    expect((range.body as number[][]).map((r) => r[0])).toEqual([1, 2, 3, 4, 5].map((i) => start + i * day));
    const big = await get({ symbol: 'BTCUSDT', interval: '1m', startTime: String(start), limit: '5000' });
    expect(big.body as unknown[]).toHaveLength(1000);
    const dflt = await get({ symbol: 'BTCUSDT', interval: '1m', startTime: String(start) });
    expect(dflt.body as unknown[]).toHaveLength(500);
    const latest = await get({ symbol: 'BTCUSDT', interval: '1h', limit: '3' });
    expect((latest.body as number[][]).map((r) => r[0])).toEqual([
      NOW - (NOW % 3_600_000) - 7_200_000,
      NOW - (NOW % 3_600_000) - 3_600_000,
      NOW - (NOW % 3_600_000),
    ]);
    expect((range.body as unknown[][])[0]).toEqual(fakeKline('BTCUSDT', '1d', start + day));
  });

  it('serves nothing before the listing date and leaves out gaps', async () => {
    const listedAt = Date.UTC(2024, 0, 10);
    fake = await startFakeBinance({
      now: () => NOW,
      listedAt,
      gaps: [{ from: Date.UTC(2024, 0, 12), to: Date.UTC(2024, 0, 14) }],
    });
    const { body } = await get({
      symbol: 'BTCUSDT',
      interval: '1d',
      startTime: String(Date.UTC(2024, 0, 1)),
      limit: '6',
    });
    expect((body as number[][]).map((r) => new Date(r[0] as number).toISOString().slice(0, 10))).toEqual([
      '2024-01-10',
      '2024-01-11',
      '2024-01-14',
      '2024-01-15',
      '2024-01-16',
      '2024-01-17',
    ]);
  });

  it('answers unknown symbols with 400 {code: -1121, msg: "Invalid symbol."} as documented', async () => {
    expect(klinesSpec().errorCode).toBe('400');
    fake = await startFakeBinance({ now: () => NOW });
    const r = await get({ symbol: 'NOPEUSDT', interval: '1d' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    expect((await get({ symbol: 'BTCUSDT', interval: '2w' })).body).toEqual({ code: -1120, msg: 'Invalid interval.' });
  });

  it('counts request weight per minute in X-MBX-USED-WEIGHT-1M and answers 429 with Retry-After past 6000', async () => {
    let t = NOW;
    fake = await startFakeBinance({ now: () => t, initialUsedWeight: 5994 });
    const q = { symbol: 'BTCUSDT', interval: '1d', limit: '1' };
    expect((await get(q)).weight).toBe('5996');
    expect((await get(q)).weight).toBe('5998');
    expect((await get(q)).weight).toBe('6000');
    const over = await get(q);
    expect(over.status).toBe(429);
    expect(over.retryAfter).toBe('48'); // 47.655 s left in the minute, rounded up
    expect(over.body).toMatchObject({ code: -1003 });
    t += 60_000;
    const next = await get(q);
    expect(next.status).toBe(200);
    expect(next.weight).toBe('2');
  });

  it('plays scripted faults in order, then answers normally', async () => {
    fake = await startFakeBinance({
      now: () => NOW,
      faults: [{ kind: 'status', status: 418, retryAfter: 120 }, null, { kind: 'malformed', variant: 'short-row' }],
    });
    const q = { symbol: 'BTCUSDT', interval: '1d', startTime: String(Date.UTC(2024, 0, 1)), limit: '3' };
    const first = await get(q);
    expect([first.status, first.retryAfter]).toEqual([418, '120']);
    expect((await get(q)).status).toBe(200);
    expect(((await get(q)).body as unknown[][]).map((r) => r.length)).toEqual([12, 5, 12]);
    expect(((await get(q)).body as unknown[][]).map((r) => r.length)).toEqual([12, 12, 12]);
    expect(fake.requests.map((r) => r.status)).toEqual([418, 200, 200, 200]);
    expect(fake.requests[0]?.query).toEqual({
      symbol: 'BTCUSDT',
      interval: '1d',
      startTime: String(Date.UTC(2024, 0, 1)),
      limit: '3',
    });
  });
});
