/** The fake itself must speak the published protocol, or the adapter tests prove nothing. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_KEY_ID, FAKE_SECRET_KEY, startFakeAlpaca, type FakeAlpaca } from '../../fakes/alpaca/server.js';
import { SHARED } from '../../support/paths.js';

interface JsonSchema {
  readonly type?: string;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
}
const spec = parse(readFileSync(join(SHARED, 'specs', 'alpaca', 'data', 'openapi.yaml'), 'utf8')) as {
  components: { schemas: Record<string, JsonSchema> };
};
const BAR = spec.components.schemas.Bar as JsonSchema;
const BARS_RESPONSE = spec.components.schemas.BarsResponse as JsonSchema;

/** Checks a value against the spec's required fields and primitive property types. */
function expectMatchesSpec(value: Record<string, unknown>, schema: JsonSchema): void {
  for (const key of schema.required ?? []) expect(value, `required ${key}`).toHaveProperty(key);
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    if (prop.type === 'number') expect(typeof v, key).toBe('number');
    if (prop.type === 'integer') expect(Number.isInteger(v), key).toBe(true);
    if (prop.type === 'string') expect(typeof v, key).toBe('string');
  }
}

const AUTH = { 'APCA-API-KEY-ID': FAKE_KEY_ID, 'APCA-API-SECRET-KEY': FAKE_SECRET_KEY };
let fake: FakeAlpaca;
beforeAll(async () => {
  fake = await startFakeAlpaca();
});
afterAll(async () => {
  await fake.close();
});

type Bar = { t: string; o: number; h: number; l: number; c: number; v: number };
type StockBody = { bars: Bar[]; symbol: string; next_page_token: string | null };
type CryptoBody = { bars: Record<string, Bar[]>; next_page_token: string | null };

async function get<T = StockBody>(
  path: string,
  headers: Record<string, string> = AUTH,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${fake.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as T };
}

describe('fake Alpaca server', () => {
  it('answers stock bars shaped like the spec BarsResponse, daily bars at New York midnight', async () => {
    const { status, body } = await get(
      '/v2/stocks/AAPL/bars?timeframe=1Day&start=2024-01-02T00:00:00Z&end=2024-01-05T00:00:00Z',
    );
    expect(status).toBe(200);
    expectMatchesSpec(body, BARS_RESPONSE);
    for (const b of body.bars) expectMatchesSpec(b, BAR);
    // `end` is inclusive per the spec ("equal to or before"), and Jan 5's bar is stamped 05:00Z, after it.
    expect(body.bars.map((b) => b.t)).toEqual(['2024-01-02T05:00:00Z', '2024-01-03T05:00:00Z', '2024-01-04T05:00:00Z']);
    expect(body).toMatchObject({ symbol: 'AAPL', next_page_token: null });
  });

  it('pages with an opaque base64 token and the spec default limit of 1000', async () => {
    const first = await get('/v2/stocks/AAPL/bars?timeframe=1Min&start=2024-01-03T00:00:00Z&end=2024-01-06T00:00:00Z');
    expect(first.body.bars).toHaveLength(1000);
    expect(first.body.next_page_token).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const rest = await get(
      `/v2/stocks/AAPL/bars?timeframe=1Min&start=2024-01-03T00:00:00Z&end=2024-01-06T00:00:00Z&page_token=${encodeURIComponent(first.body.next_page_token ?? '')}`,
    );
    // Three sessions of 390 minutes.
    expect(rest.body.bars).toHaveLength(170);
    expect(rest.body.next_page_token).toBeNull();
    expect(rest.body.bars[0]?.t).not.toBe(first.body.bars[999]?.t);
  });

  it('serves crypto from v1beta3 keyed by pair, sorted by symbol then time, without keys', async () => {
    const { status, body } = await get<CryptoBody>(
      '/v1beta3/crypto/us/bars?symbols=ETH/USD,BTC/USD&timeframe=1Hour&start=2024-01-03T00:00:00Z&end=2024-01-03T01:00:00Z&limit=3',
      {},
    );
    expect(status).toBe(200);
    expect(Object.keys(body.bars)).toEqual(['BTC/USD', 'ETH/USD']);
    expect(body.bars['BTC/USD']).toHaveLength(2);
    expect(body.bars['ETH/USD']).toHaveLength(1);
    const next = await get<CryptoBody>(
      `/v1beta3/crypto/us/bars?symbols=ETH/USD,BTC/USD&timeframe=1Hour&start=2024-01-03T00:00:00Z&end=2024-01-03T01:00:00Z&limit=3&page_token=${encodeURIComponent(body.next_page_token ?? '')}`,
      {},
    );
    expect(next.body).toEqual({
      bars: { 'ETH/USD': [expect.objectContaining({ t: '2024-01-03T01:00:00Z' })] },
      next_page_token: null,
    });
  });

  it('keeps every bar OHLC-consistent', async () => {
    const { body } = await get(
      '/v2/stocks/SPY/bars?timeframe=5Min&start=2024-03-01T00:00:00Z&end=2024-03-09T00:00:00Z',
    );
    expect(body.bars.length).toBe(6 * 78);
    for (const b of body.bars) {
      expect(b.h).toBeGreaterThanOrEqual(Math.max(b.o, b.c));
      expect(b.l).toBeLessThanOrEqual(Math.min(b.o, b.c));
      expect(b.l).toBeGreaterThan(0);
    }
  });

  it('refuses missing keys with 401, wrong keys with 403', async () => {
    const missing = await get<unknown>('/v2/stocks/AAPL/bars?timeframe=1Day', {});
    expect(missing.status).toBe(401);
    const wrong = await get<unknown>('/v2/stocks/AAPL/bars?timeframe=1Day', { ...AUTH, 'APCA-API-SECRET-KEY': 'nope' });
    expect(wrong).toEqual({ status: 403, body: { message: 'forbidden.' } });
  });

  it('refuses bad parameters with 400 as the spec constrains them', async () => {
    for (const q of [
      'timeframe=2Fortnight',
      'timeframe=1Day&limit=10001',
      'timeframe=1Day&limit=0',
      'timeframe=1Day&start=2024-01-01T00:00:00.5Z',
      'timeframe=1Day&start=2024-02-01&end=2024-01-01',
      'timeframe=1Day&adjustment=some',
      'timeframe=1Day&feed=nasdaq',
      'timeframe=1Day&page_token=bm90LWEtdG9rZW4=',
    ]) {
      expect((await get(`/v2/stocks/AAPL/bars?${q}`)).status, q).toBe(400);
    }
  });
});
