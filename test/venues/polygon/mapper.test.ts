import { describe, expect, it } from 'vitest';
import { VenueError } from '../../../src/core/errors.js';
import {
  mapPolygonAgg,
  mapPolygonAggs,
  parseAggsPage,
  polygonAggsPath,
  polygonApiKey,
  polygonInstrument,
  type PolygonAgg,
} from '../../../src/venues/polygon/index.js';

const agg = (t: number, over: Partial<PolygonAgg> = {}): PolygonAgg => ({
  o: 10,
  h: 11,
  l: 9,
  c: 10.5,
  v: 1000,
  t,
  ...over,
});

describe('polygon mapper', () => {
  it('builds daily paths from session dates with an inclusive `to` (the day before `end`)', () => {
    expect(
      polygonAggsPath({ symbol: 'AAPL', timeframe: '1d', start: Date.UTC(2024, 0, 2), end: Date.UTC(2024, 0, 6) }),
    ).toBe('/v2/aggs/ticker/AAPL/range/1/day/2024-01-02/2024-01-05');
  });

  it('builds intraday paths from Unix ms bounds, `to` 1 ms before `end`', () => {
    const start = Date.UTC(2024, 0, 2, 14, 30);
    const end = Date.UTC(2024, 0, 2, 15, 30);
    expect(polygonAggsPath({ symbol: 'MSFT', timeframe: '5m', start, end })).toBe(
      '/v2/aggs/ticker/MSFT/range/5/minute/1704205800000/1704209399999',
    );
  });

  it('keeps the colon of crypto tickers and dots of share classes, and escapes the rest', () => {
    const req = { timeframe: '1h', start: 0, end: 3_600_000 } as const;
    expect(polygonAggsPath({ ...req, symbol: 'X:BTCUSD' })).toBe('/v2/aggs/ticker/X:BTCUSD/range/1/hour/0/3599999');
    expect(polygonAggsPath({ ...req, symbol: 'BRK.B' })).toContain('/ticker/BRK.B/');
    expect(polygonAggsPath({ ...req, symbol: 'A/B' })).toContain('/ticker/A%2FB/');
  });

  it('maps New York midnight to the session date across both DST changes of 2024', () => {
    // EST (UTC-5) before 2024-03-10, EDT (UTC-4) until 2024-11-03, EST again after.
    expect(mapPolygonAgg('AAPL', '1d', agg(Date.UTC(2024, 2, 8, 5))).ts).toBe(Date.UTC(2024, 2, 8));
    expect(mapPolygonAgg('AAPL', '1d', agg(Date.UTC(2024, 2, 11, 4))).ts).toBe(Date.UTC(2024, 2, 11));
    expect(mapPolygonAgg('AAPL', '1d', agg(Date.UTC(2024, 10, 1, 4))).ts).toBe(Date.UTC(2024, 10, 1));
    expect(mapPolygonAgg('AAPL', '1d', agg(Date.UTC(2024, 10, 4, 5))).ts).toBe(Date.UTC(2024, 10, 4));
  });

  it('reads daily stock instants in New York and crypto instants in UTC', () => {
    // 02:00Z on Jan 2 is still Jan 1 (21:00) in New York.
    const t = Date.UTC(2024, 0, 2, 2);
    expect(mapPolygonAgg('AAPL', '1d', agg(t)).ts).toBe(Date.UTC(2024, 0, 1));
    expect(mapPolygonAgg('X:ETHUSD', '1d', agg(t)).ts).toBe(Date.UTC(2024, 0, 2));
  });

  it('keeps `t` as the bar start of intraday bars and copies o,h,l,c,v', () => {
    const t = Date.UTC(2024, 0, 2, 14, 31);
    expect(mapPolygonAgg('AAPL', '1m', agg(t, { vw: 10.2, n: 7 }))).toEqual({
      symbol: 'AAPL',
      ts: t,
      open: 10,
      high: 11,
      low: 9,
      close: 10.5,
      volume: 1000,
    });
  });

  it('keeps only bars with start <= ts < end', () => {
    const req = { symbol: 'AAPL', timeframe: '1m', start: 120_000, end: 240_000 } as const;
    const bars = mapPolygonAggs(req, [agg(60_000), agg(120_000), agg(180_000), agg(240_000)]);
    expect(bars.map((b) => b.ts)).toEqual([120_000, 180_000]);
  });

  it('sees X: tickers as 24/7 crypto pairs and others as XNYS equities', () => {
    expect(polygonInstrument('X:BTCUSD')).toMatchObject({ assetClass: 'crypto', calendar: '24/7', shortable: false });
    expect(polygonInstrument('SPY')).toMatchObject({ assetClass: 'equity', calendar: 'XNYS', lotSize: 1 });
  });
});

describe('polygon answers', () => {
  const expectation = {
    where: 'https://api.massive.com/v2/aggs/x',
    symbol: 'AAPL',
    adjusted: true,
    key: 'k3y-secret-value',
  };
  const body = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    ticker: 'AAPL',
    status: 'OK',
    request_id: 'r1',
    adjusted: true,
    queryCount: 1,
    resultsCount: 1,
    results: [agg(0)],
    ...over,
  });
  const reject = (b: unknown): VenueError => {
    try {
      parseAggsPage(b, expectation);
    } catch (e) {
      expect(e).toBeInstanceOf(VenueError);
      return e as VenueError;
    }
    throw new Error('expected a rejection');
  };

  it('accepts an answer without results and tolerates unknown fields', () => {
    const page = parseAggsPage({ ticker: 'AAPL', status: 'OK', request_id: 'r', extra: 1 }, expectation);
    expect(page.results).toBeUndefined();
  });

  it.each([
    ['high below close', { results: [agg(0, { h: 10.4 })] }, 'results.0'],
    ['low above open', { results: [agg(0, { l: 10.1 })] }, 'results.0'],
    ['zero price', { results: [agg(0, { o: 0 })] }, 'results.0.o'],
    ['negative volume', { results: [agg(0, { v: -1 })] }, 'results.0.v'],
    ['missing t', { results: [{ o: 1, h: 1, l: 1, c: 1, v: 1 }] }, 'results.0.t'],
    ['price as text', { results: [{ ...agg(0), c: '10.5' }] }, 'results.0.c'],
    ['unknown status', { status: 'MAYBE' }, 'status'],
  ])('rejects %s with VENUE_BAD_RESPONSE naming the field', (_what, over, field) => {
    const e = reject(body(over));
    expect(e.code).toBe('VENUE_BAD_RESPONSE');
    expect(e.message).toContain(field);
    expect(e.message).toContain(expectation.where);
  });

  it('rejects an answer for another ticker or another adjustment', () => {
    expect(reject(body({ ticker: 'MSFT' })).message).toContain('MSFT');
    expect(reject(body({ adjusted: false })).message).toContain('adjusted=false');
  });

  it('turns vendor error statuses into VenueErrors and masks the key if the vendor echoes it', () => {
    const e = reject({ status: 'ERROR', request_id: 'r', error: `bad key ${expectation.key}` });
    expect(e.code).toBe('VENUE_BAD_RESPONSE');
    expect(e.message).toContain('status ERROR');
    expect(e.message).not.toContain(expectation.key);
    expect(reject({ status: 'NOT_AUTHORIZED', message: 'upgrade your plan' }).message).toContain('upgrade your plan');
  });

  it('reads POLYGON_API_KEY first, then MASSIVE_API_KEY', () => {
    expect(polygonApiKey({ POLYGON_API_KEY: ' a1 ', MASSIVE_API_KEY: 'b2' })).toBe('a1');
    expect(polygonApiKey({ MASSIVE_API_KEY: 'b2' })).toBe('b2');
    expect(() => polygonApiKey({})).toThrow(/POLYGON_API_KEY and MASSIVE_API_KEY/);
  });
});
