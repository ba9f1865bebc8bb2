import { afterEach, describe, expect, it } from 'vitest';
import { collect, expectDataProviderContract } from '../../contracts/data-provider.contract.js';
import { createPolygonProvider } from '../../../src/venues/polygon/index.js';
import type { BarRequest } from '../../../src/engine/ports.js';
import { FAKE_POLYGON_KEY, fakeAgg, startFakePolygon, type FakePolygon } from '../../fakes/polygon/server.js';
import { DAY, MINUTE, testContext } from './support.js';

let fake: FakePolygon | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: Parameters<typeof startFakePolygon>[0] = {}): Promise<FakePolygon> {
  fake = await startFakePolygon(options);
  return fake;
}

const JAN_2024: BarRequest = {
  symbol: 'AAPL',
  timeframe: '1d',
  start: Date.UTC(2024, 0, 1),
  end: Date.UTC(2024, 1, 1),
};
/** The regular session of 2024-01-02: 09:30-16:00 New York = 14:30-21:00Z. */
const SESSION_1M: BarRequest = {
  symbol: 'AAPL',
  timeframe: '1m',
  start: Date.UTC(2024, 0, 2, 14, 30),
  end: Date.UTC(2024, 0, 2, 21, 0),
};

describe('polygon provider: contract and mapping', () => {
  it('passes the DataProvider contract for daily bars, one bar per XNYS session of January 2024', async () => {
    const f = await start();
    const bars = await expectDataProviderContract(createPolygonProvider(testContext(f.url).ctx), JAN_2024);
    // 23 weekdays in January 2024 minus New Year's Day (1st) and Martin Luther King Jr. Day (15th).
    expect(bars).toHaveLength(21);
    expect(bars[0]?.ts).toBe(Date.UTC(2024, 0, 2));
    expect(bars.at(-1)?.ts).toBe(Date.UTC(2024, 0, 31));
    expect(bars.some((b) => b.ts === Date.UTC(2024, 0, 15))).toBe(false);
  });

  it('maps a daily aggregate stamped at New York midnight (05:00Z) to the session date at 00:00 UTC', async () => {
    const f = await start();
    const { bars } = await collect(createPolygonProvider(testContext(f.url).ctx), JAN_2024);
    const wire = fakeAgg('AAPL', Date.UTC(2024, 0, 2, 5), DAY);
    expect(bars[0]).toEqual({
      symbol: 'AAPL',
      ts: Date.UTC(2024, 0, 2),
      open: wire.o,
      high: wire.h,
      low: wire.l,
      close: wire.c,
      volume: wire.v,
    });
  });

  it('maps the spec example bars (AAPL 2020-01-02 and 2020-01-03) to exact values', async () => {
    // Example answer of /v2/aggs/ticker/{stocksTicker}/range/... in shared/specs/polygon/rest.json.
    const f = await start({
      fixtures: {
        AAPL: [
          { c: 75.0875, h: 75.15, l: 73.7975, n: 1, o: 74.06, t: 1577941200000, v: 135647456, vw: 74.6099 },
          { c: 74.3575, h: 75.145, l: 74.125, n: 1, o: 74.2875, t: 1578027600000, v: 146535512, vw: 74.7026 },
        ],
      },
    });
    const { bars } = await collect(createPolygonProvider(testContext(f.url).ctx), {
      symbol: 'AAPL',
      timeframe: '1d',
      start: Date.UTC(2020, 0, 2),
      end: Date.UTC(2020, 0, 4),
    });
    expect(bars).toEqual([
      {
        symbol: 'AAPL',
        ts: Date.UTC(2020, 0, 2),
        open: 74.06,
        high: 75.15,
        low: 73.7975,
        close: 75.0875,
        volume: 135647456,
      },
      {
        symbol: 'AAPL',
        ts: Date.UTC(2020, 0, 3),
        open: 74.2875,
        high: 75.145,
        low: 74.125,
        close: 74.3575,
        volume: 146535512,
      },
    ]);
  });

  it('drops vendor bars outside [start, end)', async () => {
    const t = (d: number): number => Date.UTC(2020, 0, d, 5);
    const f = await start({ fixtures: { AAPL: [1, 2, 3, 6].map((d) => ({ ...fakeAgg('AAPL', t(d), DAY) })) } });
    const { bars } = await collect(createPolygonProvider(testContext(f.url).ctx), {
      symbol: 'AAPL',
      timeframe: '1d',
      start: Date.UTC(2020, 0, 2),
      end: Date.UTC(2020, 0, 6),
    });
    expect(bars.map((b) => b.ts)).toEqual([Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 3)]);
  });

  it('passes the contract for 1m bars: 390 bars of one regular session, 14:30Z to 20:59Z', async () => {
    const f = await start();
    const bars = await expectDataProviderContract(createPolygonProvider(testContext(f.url).ctx), SESSION_1M);
    expect(bars).toHaveLength(390);
    expect(bars[0]?.ts).toBe(Date.UTC(2024, 0, 2, 14, 30));
    expect(bars.at(-1)?.ts).toBe(Date.UTC(2024, 0, 2, 20, 59));
    const wire = fakeAgg('AAPL', Date.UTC(2024, 0, 2, 14, 30), MINUTE);
    expect(bars[0]).toMatchObject({ open: wire.o, high: wire.h, low: wire.l, close: wire.c, volume: wire.v });
  });

  it('returns 210 1m bars on the 2024-11-29 early close (09:30-13:00 New York)', async () => {
    const f = await start();
    const bars = await expectDataProviderContract(createPolygonProvider(testContext(f.url).ctx), {
      symbol: 'MSFT',
      timeframe: '1m',
      start: Date.UTC(2024, 10, 29),
      end: Date.UTC(2024, 10, 30),
    });
    expect(bars).toHaveLength(210);
    expect(bars.at(-1)?.ts).toBe(Date.UTC(2024, 10, 29, 17, 59));
  });

  it('asks GET /v2/aggs with the key only in a Bearer header, adjusted from config, sort=asc, limit=50000', async () => {
    const f = await start();
    await collect(createPolygonProvider(testContext(f.url).ctx), JAN_2024);
    expect(f.requests).toHaveLength(1);
    const [req] = f.requests;
    expect(req?.path).toBe('/v2/aggs/ticker/AAPL/range/1/day/2024-01-01/2024-01-31');
    expect(req?.query).toEqual({ adjusted: 'true', sort: 'asc', limit: '50000' });
    expect(req?.headers.authorization).toBe(`Bearer ${FAKE_POLYGON_KEY}`);

    const g = await startFakePolygon();
    try {
      await collect(createPolygonProvider(testContext(g.url, { adjusted: false }).ctx), JAN_2024);
      expect(g.requests[0]?.query['adjusted']).toBe('false');
    } finally {
      await g.close();
    }
  });

  it('maps each timeframe to its multiplier/timespan and sends intraday bounds as Unix ms, `to` inclusive', async () => {
    const f = await start();
    const provider = createPolygonProvider(testContext(f.url).ctx);
    const cases = [
      ['1h', '1/hour'],
      ['15m', '15/minute'],
      ['5m', '5/minute'],
      ['1m', '1/minute'],
    ] as const;
    for (const [timeframe] of cases) await collect(provider, { ...SESSION_1M, timeframe });
    const from = SESSION_1M.start;
    const to = SESSION_1M.end - 1;
    expect(f.requests.map((r) => r.path)).toEqual(
      cases.map(([, window]) => `/v2/aggs/ticker/AAPL/range/${window}/${from}/${to}`),
    );
  });

  it('returns clock-aligned 15m bars of a session: 26 from 14:30Z', async () => {
    const f = await start();
    const { bars } = await collect(createPolygonProvider(testContext(f.url).ctx), { ...SESSION_1M, timeframe: '15m' });
    expect(bars).toHaveLength(26);
    expect(bars[1]?.ts).toBe(Date.UTC(2024, 0, 2, 14, 45));
  });

  it('maps X: crypto daily aggregates by UTC date and treats them as 24/7 crypto pairs', async () => {
    const f = await start();
    const provider = createPolygonProvider(testContext(f.url).ctx);
    const bars = await expectDataProviderContract(provider, {
      symbol: 'X:BTCUSD',
      timeframe: '1d',
      start: Date.UTC(2024, 0, 5),
      end: Date.UTC(2024, 0, 9),
    });
    // Friday to Monday: a 24/7 market has the weekend too.
    expect(bars.map((b) => b.ts)).toEqual([5, 6, 7, 8].map((d) => Date.UTC(2024, 0, d)));
    expect(bars[0]?.open).toBe(fakeAgg('X:BTCUSD', Date.UTC(2024, 0, 5), DAY).o);
    expect(f.requests[0]?.path).toBe('/v2/aggs/ticker/X:BTCUSD/range/1/day/2024-01-05/2024-01-08');
    expect(provider.instrument('X:BTCUSD')).toMatchObject({ assetClass: 'crypto', calendar: '24/7' });
    expect(provider.instrument('AAPL')).toMatchObject({ assetClass: 'equity', calendar: 'XNYS' });
  });

  it('yields nothing, without error, when a weekend range has no results (results absent)', async () => {
    const f = await start();
    const { bars } = await collect(createPolygonProvider(testContext(f.url).ctx), {
      symbol: 'AAPL',
      timeframe: '1d',
      start: Date.UTC(2024, 0, 6),
      end: Date.UTC(2024, 0, 8),
    });
    expect(bars).toEqual([]);
    expect(f.requests).toHaveLength(1);
  });

  it('accepts DELAYED answers (plans without real-time data)', async () => {
    const f = await start({ status: 'DELAYED' });
    const { bars } = await collect(createPolygonProvider(testContext(f.url).ctx), JAN_2024);
    expect(bars).toHaveLength(21);
  });

  it('reads the key from MASSIVE_API_KEY when POLYGON_API_KEY is not set', async () => {
    const f = await start();
    const ctx = testContext(f.url, { env: { MASSIVE_API_KEY: FAKE_POLYGON_KEY } }).ctx;
    const { bars } = await collect(createPolygonProvider(ctx), JAN_2024);
    expect(bars).toHaveLength(21);
    expect(f.requests[0]?.headers.authorization).toBe(`Bearer ${FAKE_POLYGON_KEY}`);
  });
});

describe('polygon provider: pagination and partial data', () => {
  it('follows next_url until absent and yields every bar exactly once', async () => {
    const f = await start({ pageSize: 100 });
    const request = { ...SESSION_1M, end: Date.UTC(2024, 0, 3, 21) };
    const { bars, pages } = await collect(createPolygonProvider(testContext(f.url).ctx), request);
    expect(bars).toHaveLength(780);
    expect(new Set(bars.map((b) => b.ts)).size).toBe(780);
    expect(pages).toEqual([100, 100, 100, 100, 100, 100, 100, 80]);
    expect(f.requests).toHaveLength(8);
    for (const r of f.requests.slice(1)) {
      expect(Object.keys(r.query)).toEqual(['cursor']);
      expect(r.headers.authorization).toBe(`Bearer ${FAKE_POLYGON_KEY}`);
    }
    // Same bars as one unpaginated answer.
    const g = await startFakePolygon();
    try {
      const whole = await collect(createPolygonProvider(testContext(g.url).ctx), request);
      expect(bars).toEqual(whole.bars);
    } finally {
      await g.close();
    }
  });

  it('keeps the holes of partial data as holes (no bar invented or dropped around them)', async () => {
    const holes = [Date.UTC(2024, 0, 2, 15, 0), Date.UTC(2024, 0, 2, 15, 1)];
    const f = await start({ holes, pageSize: 120 });
    const { bars } = await collect(createPolygonProvider(testContext(f.url).ctx), SESSION_1M);
    expect(bars).toHaveLength(388);
    const ts = new Set(bars.map((b) => b.ts));
    for (const h of holes) expect(ts.has(h)).toBe(false);
    expect(ts.has(Date.UTC(2024, 0, 2, 14, 59))).toBe(true);
    expect(ts.has(Date.UTC(2024, 0, 2, 15, 2))).toBe(true);
  });

  it('follows next_url through pages with no results', async () => {
    const f = await start({ pageSize: 200, emptyPages: [0, 2] });
    const { bars, pages } = await collect(createPolygonProvider(testContext(f.url).ctx), SESSION_1M);
    expect(bars).toHaveLength(390);
    expect(pages).toEqual([200, 190]);
    expect(f.requests).toHaveLength(4);
  });
});
