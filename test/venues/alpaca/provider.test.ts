import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getCalendar } from '../../../src/calendar/registry.js';
import { tsToDate } from '../../../src/data/schema.js';
import {
  ALPACA_DEFAULT_RATE_LIMIT,
  AlpacaDataProvider,
  createAlpacaProvider,
} from '../../../src/venues/alpaca/index.js';
import { collect, expectDataProviderContract } from '../../contracts/data-provider.contract.js';
import { FAKE_KEY_ID, FAKE_SECRET_KEY, startFakeAlpaca, type FakeAlpaca } from '../../fakes/alpaca/server.js';
import { fakeContext, utc } from './support.js';

const XNYS = getCalendar('XNYS');
let fake: FakeAlpaca;
beforeEach(async () => {
  fake = await startFakeAlpaca();
});
afterEach(async () => {
  await fake.close();
});

describe('alpaca provider: the DataProvider contract', () => {
  it('holds for stock daily bars, one per XNYS session at 00:00 UTC', async () => {
    const provider = createAlpacaProvider(fakeContext(fake.url).ctx);
    const request = { symbol: 'AAPL', timeframe: '1d', start: utc('2024-01-01'), end: utc('2024-02-01') } as const;
    const bars = await expectDataProviderContract(provider, request);
    // January 2024 had 21 sessions (New Year's Day and Martin Luther King Day closed).
    expect(bars.map((b) => tsToDate(b.ts))).toEqual(XNYS.sessionDates('2024-01-01', '2024-01-31'));
    expect(bars).toHaveLength(21);
  });

  it('holds for stock 1-minute bars, inside regular hours only (early close included)', async () => {
    const provider = createAlpacaProvider(fakeContext(fake.url).ctx);
    // 2024-07-03 closes at 13:00 New York (17:00Z); 2024-07-04 is a holiday.
    const request = { symbol: 'AAPL', timeframe: '1m', start: utc('2024-07-03'), end: utc('2024-07-05') } as const;
    const bars = await expectDataProviderContract(provider, request);
    expect(bars).toHaveLength(210);
    expect(bars[0]?.ts).toBe(utc('2024-07-03T13:30:00Z'));
    expect(bars.at(-1)?.ts).toBe(utc('2024-07-03T16:59:00Z'));
    for (const b of bars) expect(XNYS.isOpen(b.ts)).toBe(true);
  });

  it('holds for crypto hourly and daily bars on the 24/7 calendar', async () => {
    const provider = createAlpacaProvider(fakeContext(fake.url, { env: {} }).ctx);
    const hourly = await expectDataProviderContract(provider, {
      symbol: 'BTC/USD',
      timeframe: '1h',
      start: utc('2024-01-06'),
      end: utc('2024-01-08'),
    });
    expect(hourly).toHaveLength(48); // a weekend: crypto trades every hour
    const daily = await expectDataProviderContract(provider, {
      symbol: 'BTC/USD',
      timeframe: '1d',
      start: utc('2024-01-01'),
      end: utc('2024-01-08'),
    });
    expect(daily.map((b) => tsToDate(b.ts))).toEqual([1, 2, 3, 4, 5, 6, 7].map((d) => `2024-01-0${d}`));
  });

  it('describes stocks as XNYS equities and slash pairs as 24/7 crypto', () => {
    const provider = new AlpacaDataProvider(fakeContext(fake.url).ctx);
    expect(provider.name).toBe('alpaca');
    expect(provider.instrument('AAPL')).toMatchObject({ symbol: 'AAPL', assetClass: 'equity', calendar: 'XNYS' });
    expect(provider.instrument('ETH/BTC')).toMatchObject({
      symbol: 'ETH/BTC',
      assetClass: 'crypto',
      calendar: '24/7',
      currency: 'BTC',
    });
  });
});

describe('alpaca provider: exact values from the fake formula (test/fakes/alpaca/bars.ts)', () => {
  it('maps a winter and a summer daily stock bar stamped at New York midnight', async () => {
    const provider = createAlpacaProvider(fakeContext(fake.url).ctx);
    const jan = await collect(provider, {
      symbol: 'AAPL',
      timeframe: '1d',
      start: utc('2024-01-03'),
      end: utc('2024-01-04'),
    });
    // AAPL: base = 10 + 286 % 90 = 26. 2024-01-03 is day 19725 (2024-01-01 = 54*365 + 13 leap days = 19723):
    // open = 26 + 25*0.25 = 32.25; 19725 % 7 = 6 -> close = 32.25 + 0.3 = 32.55; high 33.05, low 31.75;
    // 19725 % 13 = 4 -> volume 1400. The wire bar is stamped 2024-01-03T05:00:00Z (EST).
    expect(jan.bars).toEqual([
      { symbol: 'AAPL', ts: utc('2024-01-03'), open: 32.25, high: 33.05, low: 31.75, close: 32.55, volume: 1400 },
    ]);
    const jul = await collect(provider, {
      symbol: 'AAPL',
      timeframe: '1d',
      start: utc('2024-07-01'),
      end: utc('2024-07-02'),
    });
    // 2024-07-01 is day 19905 (stamped 04:00Z, EDT): open = 26 + 5*0.25 = 27.25; 19905 % 7 = 4 -> close 27.35;
    // high 27.85, low 26.75; 19905 % 13 = 2 -> volume 1200.
    expect(jul.bars).toEqual([
      { symbol: 'AAPL', ts: utc('2024-07-01'), open: 27.25, high: 27.85, low: 26.75, close: 27.35, volume: 1200 },
    ]);
  });

  it('maps 1-minute stock bars to their start instant', async () => {
    const provider = createAlpacaProvider(fakeContext(fake.url).ctx);
    const { bars } = await collect(provider, {
      symbol: 'AAPL',
      timeframe: '1m',
      start: utc('2024-01-03T14:30:00Z'),
      end: utc('2024-01-03T14:32:00Z'),
    });
    // i = ms / 60000: 14:30Z -> 28404870 (i%100 70, i%7 4, i%13 0); 14:31Z -> 28404871 (71, 5, 1).
    expect(bars).toEqual([
      { symbol: 'AAPL', ts: utc('2024-01-03T14:30:00Z'), open: 43.5, high: 44.1, low: 43, close: 43.6, volume: 1000 },
      {
        symbol: 'AAPL',
        ts: utc('2024-01-03T14:31:00Z'),
        open: 43.75,
        high: 44.45,
        low: 43.25,
        close: 43.95,
        volume: 1100,
      },
    ]);
  });

  it('maps crypto bars with fractional volume, daily ones to the UTC date', async () => {
    const provider = createAlpacaProvider(fakeContext(fake.url, { env: {} }).ctx);
    const hourly = await collect(provider, {
      symbol: 'BTC/USD',
      timeframe: '1h',
      start: utc('2024-01-03T00:00:00Z'),
      end: utc('2024-01-03T02:00:00Z'),
    });
    // BTC/USD: seed 66+84+67+47+85+83+68 = 500, base = 10 + 50 = 60. i = ms / 3600000:
    // 00:00Z -> 473400 (i%100 0, i%7 4, i%13 5 -> volume 6*0.125); 01:00Z -> 473401 (1, 5, 6 -> 7*0.125).
    expect(hourly.bars).toEqual([
      {
        symbol: 'BTC/USD',
        ts: utc('2024-01-03T00:00:00Z'),
        open: 60,
        high: 60.6,
        low: 59.5,
        close: 60.1,
        volume: 0.75,
      },
      {
        symbol: 'BTC/USD',
        ts: utc('2024-01-03T01:00:00Z'),
        open: 60.25,
        high: 60.95,
        low: 59.75,
        close: 60.45,
        volume: 0.875,
      },
    ]);
    const daily = await collect(provider, {
      symbol: 'BTC/USD',
      timeframe: '1d',
      start: utc('2024-01-03'),
      end: utc('2024-01-04'),
    });
    // Day 19725: open 60 + 6.25, close + 0.3, volume (1 + 4) * 0.125.
    expect(daily.bars).toEqual([
      { symbol: 'BTC/USD', ts: utc('2024-01-03'), open: 66.25, high: 67.05, low: 65.75, close: 66.55, volume: 0.625 },
    ]);
  });
  it('reads a daily stock bar in New York time and a daily crypto bar in UTC', async () => {
    // 2024-01-04T02:00:00Z is Jan 3 in New York and Jan 4 in UTC: the two readings differ.
    const wire = { t: '2024-01-04T02:00:00Z', o: 1, h: 2, l: 0.5, c: 1.5, v: 3 };
    fake.script(
      { kind: 'payload', match: '/v2/stocks', body: { bars: [wire], symbol: 'AAPL', next_page_token: null } },
      { kind: 'payload', match: '/v1beta3', body: { bars: { 'BTC/USD': [wire] }, next_page_token: null } },
    );
    const provider = createAlpacaProvider(fakeContext(fake.url).ctx);
    const range = { timeframe: '1d', start: utc('2024-01-01'), end: utc('2024-01-10') } as const;
    const stock = await collect(provider, { symbol: 'AAPL', ...range });
    const coin = await collect(provider, { symbol: 'BTC/USD', ...range });
    expect(stock.bars.map((b) => tsToDate(b.ts))).toEqual(['2024-01-03']);
    expect(coin.bars.map((b) => tsToDate(b.ts))).toEqual(['2024-01-04']);
  });
});

describe('alpaca provider: requests', () => {
  it('sends the real query parameters, config adjustment and feed, and the key headers', async () => {
    const { ctx } = fakeContext(fake.url, { alpaca: { adjustment: 'split', feed: 'sip' } });
    await collect(createAlpacaProvider(ctx), {
      symbol: 'MSFT',
      timeframe: '15m',
      start: utc('2024-01-03'),
      end: utc('2024-01-04'),
    });
    expect(fake.requests).toHaveLength(1);
    const [req] = fake.requests;
    expect(req?.path).toBe('/v2/stocks/MSFT/bars');
    expect(req?.query).toEqual({
      timeframe: '15Min',
      start: '2024-01-03T00:00:00Z',
      end: '2024-01-03T23:59:59Z', // Alpaca's end is inclusive
      limit: '10000',
      adjustment: 'split',
      feed: 'sip',
    });
    expect(req?.headers['apca-api-key-id']).toBe(FAKE_KEY_ID);
    expect(req?.headers['apca-api-secret-key']).toBe(FAKE_SECRET_KEY);
  });

  it('asks v1beta3 for crypto without keys, adjustment or feed', async () => {
    const { ctx } = fakeContext(fake.url, { env: {} });
    await collect(createAlpacaProvider(ctx), {
      symbol: 'ETH/USD',
      timeframe: '5m',
      start: utc('2024-01-03'),
      end: utc('2024-01-03T01:00:00Z'),
    });
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1beta3/crypto/us/bars']);
    expect(fake.requests[0]?.query).toEqual({
      symbols: 'ETH/USD',
      timeframe: '5Min',
      start: '2024-01-03T00:00:00Z',
      end: '2024-01-03T00:59:59Z',
      limit: '10000',
    });
    expect(fake.requests[0]?.headers['apca-api-key-id']).toBeUndefined();
  });

  it('makes no request for an empty range', async () => {
    const provider = createAlpacaProvider(fakeContext(fake.url).ctx);
    const { bars } = await collect(provider, {
      symbol: 'AAPL',
      timeframe: '1d',
      start: utc('2024-01-05'),
      end: utc('2024-01-05'),
    });
    expect(bars).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('limits its own request rate (default 200 per minute, configurable)', async () => {
    expect(ALPACA_DEFAULT_RATE_LIMIT).toEqual({ limit: 200, windowMs: 60_000 });
    const { ctx } = fakeContext(fake.url, { env: {} });
    const waits: number[] = [];
    // A burst of 3, then one request per 100 ms: the 4th and 5th pages must wait about 100 ms each.
    const provider = createAlpacaProvider(
      {
        ...ctx,
        sleep: async (ms) => {
          waits.push(ms);
          await new Promise((r) => setTimeout(r, ms));
        },
      },
      { rateLimit: { limit: 3, windowMs: 300 }, pageLimit: 2 },
    );
    const t0 = performance.now();
    const { bars } = await collect(provider, {
      symbol: 'BTC/USD',
      timeframe: '1h',
      start: utc('2024-01-03'),
      end: utc('2024-01-03T10:00:00Z'),
    });
    const elapsed = performance.now() - t0;
    expect(bars).toHaveLength(10);
    expect(fake.requests).toHaveLength(5);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    for (const w of waits) expect(w).toBeLessThanOrEqual(100);
    expect(elapsed).toBeGreaterThanOrEqual(150);
  });
});
