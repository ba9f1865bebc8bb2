import { afterEach, describe, expect, it } from 'vitest';
import { getCalendar } from '../../../src/calendar/registry.js';
import { tsToDate } from '../../../src/data/schema.js';
import { createAlpacaProvider } from '../../../src/venues/alpaca/index.js';
import { collect, expectDataProviderContract } from '../../contracts/data-provider.contract.js';
import { startFakeAlpaca, type FakeAlpaca, type FakeAlpacaOptions } from '../../fakes/alpaca/server.js';
import { fakeContext, utc } from './support.js';

const XNYS = getCalendar('XNYS');
let fake: FakeAlpaca | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeAlpacaOptions = {}): Promise<FakeAlpaca> {
  fake = await startFakeAlpaca(options);
  return fake;
}

const JANUARY = { symbol: 'AAPL', timeframe: '1d', start: utc('2024-01-01'), end: utc('2024-02-01') } as const;

describe('alpaca provider: pagination', () => {
  it('follows next_page_token over several pages and yields every bar exactly once', async () => {
    const f = await start();
    const provider = createAlpacaProvider(fakeContext(f.url).ctx, { pageLimit: 5 });
    const { bars, pages } = await collect(provider, JANUARY);
    // 21 sessions in pages of 5: 5 requests, the last with one bar.
    expect(pages).toEqual([5, 5, 5, 5, 1]);
    expect(f.requests).toHaveLength(5);
    expect(bars.map((b) => tsToDate(b.ts))).toEqual(XNYS.sessionDates('2024-01-01', '2024-01-31'));
    expect(new Set(bars.map((b) => b.ts)).size).toBe(bars.length);
    // The first request has no token; each later one sends a new token the server handed out.
    expect(f.requests[0]?.query.page_token).toBeUndefined();
    const tokens = f.requests.slice(1).map((r) => r.query.page_token);
    expect(tokens.every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
    expect(new Set(tokens).size).toBe(4);
  });

  it('pages intraday stock bars across sessions (two days of 78 five-minute bars, pages of 60)', async () => {
    const f = await start();
    const provider = createAlpacaProvider(fakeContext(f.url).ctx, { pageLimit: 60 });
    const request = { symbol: 'SPY', timeframe: '5m', start: utc('2024-01-04'), end: utc('2024-01-06') } as const;
    const bars = await expectDataProviderContract(provider, request);
    expect(bars).toHaveLength(156);
    expect(f.requests).toHaveLength(3);
    expect(bars[78]?.ts).toBe(utc('2024-01-05T14:30:00Z'));
  });

  it('pages crypto bars of the v1beta3 endpoint', async () => {
    const f = await start();
    const provider = createAlpacaProvider(fakeContext(f.url, { env: {} }).ctx, { pageLimit: 250 });
    const request = { symbol: 'BTC/USD', timeframe: '5m', start: utc('2024-01-06'), end: utc('2024-01-08') } as const;
    const bars = await expectDataProviderContract(provider, request);
    expect(bars).toHaveLength(2 * 288);
    expect(f.requests).toHaveLength(3);
    expect(f.requests.slice(1).every((r) => r.query.symbols === 'BTC/USD' && r.query.page_token !== undefined)).toBe(
      true,
    );
  });

  it('keeps going past an empty page that still carries a token', async () => {
    const f = await start({ faults: [{ kind: 'empty-page', match: 'page_token' }] });
    const provider = createAlpacaProvider(fakeContext(f.url).ctx, { pageLimit: 10 });
    const { bars, pages } = await collect(provider, JANUARY);
    expect(f.pendingFaults()).toBe(0);
    expect(pages).toEqual([10, 10, 1]);
    expect(f.requests).toHaveLength(4);
    expect(bars.map((b) => tsToDate(b.ts))).toEqual(XNYS.sessionDates('2024-01-01', '2024-01-31'));
  });

  it('declares pagination stuck when the venue repeats the same token without progress', async () => {
    const f = await start();
    const stuck = { bars: [], symbol: 'AAPL', next_page_token: 'c3R1Y2s=' };
    f.script(...Array.from({ length: 5 }, () => ({ kind: 'payload' as const, body: stuck })));
    const provider = createAlpacaProvider(fakeContext(f.url).ctx);
    await expect(collect(provider, JANUARY)).rejects.toMatchObject({ code: 'VENUE_BAD_RESPONSE' });
    expect(f.requests).toHaveLength(4);
  });
});

describe('alpaca provider: partial data', () => {
  it('returns a history with a hole as it is, inventing nothing', async () => {
    // AAPL has no bars stamped in [2024-01-08, 2024-01-10): the sessions of Jan 8 and Jan 9 are missing.
    const f = await start({ holes: { AAPL: [{ from: utc('2024-01-08'), to: utc('2024-01-10') }] } });
    const provider = createAlpacaProvider(fakeContext(f.url).ctx, { pageLimit: 4 });
    const bars = await expectDataProviderContract(provider, JANUARY);
    const expected = XNYS.sessionDates('2024-01-01', '2024-01-31').filter(
      (d) => d !== '2024-01-08' && d !== '2024-01-09',
    );
    expect(bars.map((b) => tsToDate(b.ts))).toEqual(expected);
    expect(bars).toHaveLength(19);
  });

  it('yields nothing, without error, for a range with no bars (the API answers "bars": null)', async () => {
    const f = await start();
    const provider = createAlpacaProvider(fakeContext(f.url).ctx);
    // 2024-01-06 and 07 are a weekend.
    const { bars } = await collect(provider, {
      symbol: 'AAPL',
      timeframe: '1d',
      start: utc('2024-01-06'),
      end: utc('2024-01-08'),
    });
    expect(bars).toEqual([]);
    expect(f.requests).toHaveLength(1);
  });

  it('yields nothing for a crypto pair the venue leaves out of the bars map', async () => {
    const f = await start({ holes: { 'ETH/USD': [{ from: 0, to: utc('2030-01-01') }] } });
    const provider = createAlpacaProvider(fakeContext(f.url, { env: {} }).ctx);
    const { bars } = await collect(provider, {
      symbol: 'ETH/USD',
      timeframe: '1h',
      start: utc('2024-01-06'),
      end: utc('2024-01-07'),
    });
    expect(bars).toEqual([]);
  });
});
