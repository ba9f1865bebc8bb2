import { afterEach, describe, expect, it } from 'vitest';
import { VenueError } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/core/logger.js';
import { BinanceProvider, createBinanceProvider } from '../../../src/venues/binance/index.js';
import type { BarRequest } from '../../../src/engine/ports.js';
import { collect, expectDataProviderContract } from '../../contracts/data-provider.contract.js';
import { fakeKline, startFakeBinance, type FakeBinance, type FakeBinanceOptions } from '../../fakes/binance/server.js';
import { binanceContext, NOW, rejectionOf, VirtualClock, type ContextSetup } from './context.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

let fake: FakeBinance | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(
  fakeOptions: FakeBinanceOptions = {},
  ctx: ContextSetup = {},
): Promise<{ provider: BinanceProvider; fake: FakeBinance; clock: VirtualClock }> {
  const clock = ctx.clock ?? new VirtualClock();
  fake = await startFakeBinance({ now: clock.now, ...fakeOptions });
  const provider = new BinanceProvider(binanceContext(fake.url, { ...ctx, clock }), { now: clock.now });
  return { provider, fake, clock };
}

describe('BinanceProvider: DataProvider contract against the fake', () => {
  const requests: BarRequest[] = [
    { symbol: 'BTCUSDT', timeframe: '1d', start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 2, 1) },
    { symbol: 'ETHUSDT', timeframe: '1h', start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 0, 10) },
    { symbol: 'BNBBTC', timeframe: '1m', start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 0, 1, 20) },
  ];
  for (const request of requests) {
    it(`passes for ${request.symbol} ${request.timeframe}`, async () => {
      const clock = new VirtualClock();
      fake = await startFakeBinance({ now: clock.now });
      const provider = createBinanceProvider(binanceContext(fake.url, { clock }), { now: clock.now });
      const bars = await expectDataProviderContract(provider, request);
      const step = request.timeframe === '1d' ? DAY : request.timeframe === '1h' ? HOUR : 60_000;
      expect(bars).toHaveLength((request.end - request.start) / step);
      expect(provider.instrument(request.symbol)).toMatchObject({
        assetClass: 'crypto',
        calendar: '24/7',
        currency: request.symbol === 'BNBBTC' ? 'BTC' : 'USDT',
      });
    });
  }
});

describe('BinanceProvider: requests and mapping', () => {
  it('maps the exact numbers of the strings it was sent (spec example row)', async () => {
    const example = [
      1499040000000,
      '0.01634790',
      '0.80000000',
      '0.01575800',
      '0.01577100',
      '148976.11427815',
      1499126399999,
      '2434.19055334',
      308,
      '1756.87402397',
      '28.46694368',
      '17928899.62484339',
    ];
    const { provider } = await setup({ faults: [{ kind: 'body', body: [example] }] });
    const { bars } = await collect(provider, {
      symbol: 'BTCUSDT',
      timeframe: '1d',
      start: Date.UTC(2017, 6, 3),
      end: Date.UTC(2017, 6, 4),
    });
    expect(bars).toEqual([
      {
        symbol: 'BTCUSDT',
        ts: Date.UTC(2017, 6, 3),
        open: 0.0163479,
        high: 0.8,
        low: 0.015758,
        close: 0.015771,
        volume: 148976.11427815,
      },
    ]);
  });

  it('reads OHLCV from the positions the fake wrote them in', async () => {
    const { provider } = await setup();
    const start = Date.UTC(2024, 0, 5, 7);
    const { bars } = await collect(provider, { symbol: 'ETHUSDT', timeframe: '1h', start, end: start + 3 * HOUR });
    const rows = [0, 1, 2].map((i) => fakeKline('ETHUSDT', '1h', start + i * HOUR));
    expect(bars).toEqual(
      rows.map((r) => ({
        symbol: 'ETHUSDT',
        ts: r[0],
        open: Number(r[1]),
        high: Number(r[2]),
        low: Number(r[3]),
        close: Number(r[4]),
        volume: Number(r[5]),
      })),
    );
  });

  it('pages 1000 klines at a time: every kline once, ceil(n/1000) requests, next startTime = last open + 1 interval', async () => {
    const { provider, fake } = await setup();
    const start = Date.UTC(2023, 0, 1);
    const end = start + 2500 * HOUR;
    const { bars, pages } = await collect(provider, { symbol: 'BTCUSDT', timeframe: '1h', start, end });
    expect(pages).toEqual([1000, 1000, 500]);
    expect(bars.map((b) => b.ts)).toEqual(Array.from({ length: 2500 }, (_, i) => start + i * HOUR));
    expect(fake.requests.map((r) => r.query)).toEqual(
      [0, 1000, 2000].map((i) => ({
        symbol: 'BTCUSDT',
        interval: '1h',
        startTime: String(start + i * HOUR),
        endTime: String(end - 1),
        limit: '1000',
      })),
    );
  });

  it('stops after an exactly full last page without an extra request', async () => {
    const { provider, fake } = await setup();
    const start = Date.UTC(2024, 0, 1);
    const { bars } = await collect(provider, { symbol: 'BTCUSDT', timeframe: '1m', start, end: start + 2000 * 60_000 });
    expect(bars).toHaveLength(2000);
    expect(fake.requests).toHaveLength(2);
  });

  it('leaves out the kline that has not closed yet, and asks nothing when start >= end', async () => {
    const { provider, fake } = await setup();
    // NOW is 2024-06-01T00:00:12.345Z: the 00:00 minute and the 2024-06-01 day are still open.
    const minutes = await collect(provider, {
      symbol: 'BTCUSDT',
      timeframe: '1m',
      start: NOW - 12_345 - 10 * 60_000,
      end: NOW + HOUR,
    });
    expect(minutes.bars.map((b) => new Date(b.ts).toISOString().slice(11, 16))).toEqual([
      '23:50',
      '23:51',
      '23:52',
      '23:53',
      '23:54',
      '23:55',
      '23:56',
      '23:57',
      '23:58',
      '23:59',
    ]);
    const days = await collect(provider, {
      symbol: 'BTCUSDT',
      timeframe: '1d',
      start: Date.UTC(2024, 4, 29),
      end: Date.UTC(2024, 5, 5),
    });
    expect(days.bars.map((b) => b.ts)).toEqual([Date.UTC(2024, 4, 29), Date.UTC(2024, 4, 30), Date.UTC(2024, 4, 31)]);
    const before = fake.requests.length;
    expect((await collect(provider, { symbol: 'BTCUSDT', timeframe: '1d', start: NOW, end: NOW })).bars).toEqual([]);
    expect(fake.requests).toHaveLength(before);
  });

  it('sends the symbol the way Binance writes it but keeps the requested one on bars', async () => {
    const { provider, fake } = await setup();
    const { bars } = await collect(provider, {
      symbol: 'btc/usdt',
      timeframe: '1d',
      start: Date.UTC(2024, 0, 1),
      end: Date.UTC(2024, 0, 3),
    });
    expect(fake.requests[0]?.query['symbol']).toBe('BTCUSDT');
    expect(bars.map((b) => b.symbol)).toEqual(['btc/usdt', 'btc/usdt']);
    expect(provider.instrument('btc/usdt').currency).toBe('USDT');
    expect(() => provider.instrument('FOOBAR')).toThrow(/quote asset of Binance symbol "FOOBAR"/);
  });

  it('sends no key header by default, and BINANCE_API_KEY as X-MBX-APIKEY without ever logging it', async () => {
    const key = 'k3y-abcdefghijklmnopqrstuvwxyz-0123456789';
    const lines: string[] = [];
    const logger = await createLogger({ level: 'debug', write: (l) => lines.push(l) });
    const { provider, fake } = await setup(
      { faults: [{ kind: 'status', status: 429, retryAfter: 1 }] },
      { env: { BINANCE_API_KEY: key }, logger },
    );
    await collect(provider, {
      symbol: 'BTCUSDT',
      timeframe: '1d',
      start: Date.UTC(2024, 0, 1),
      end: Date.UTC(2024, 0, 5),
    });
    expect(fake.requests.map((r) => r.headers['x-mbx-apikey'])).toEqual([key, key]);
    expect(lines.length).toBeGreaterThan(1); // the retry warning and the page debug lines
    expect(lines.join('\n')).not.toContain(key);

    await fake.close();
    const plain = await setup();
    await collect(plain.provider, {
      symbol: 'BTCUSDT',
      timeframe: '1d',
      start: Date.UTC(2024, 0, 1),
      end: Date.UTC(2024, 0, 2),
    });
    expect(plain.fake.requests[0]?.headers['x-mbx-apikey']).toBeUndefined();
  });

  it('turns 401/403 into VENUE_AUTH naming BINANCE_API_KEY and BINANCE_API_SECRET, without retrying', async () => {
    for (const status of [401, 403]) {
      const { provider, fake } = await setup(
        { faults: [{ kind: 'status', status }] },
        { env: { BINANCE_API_KEY: 'bad-key-123' } },
      );
      const e = await rejectionOf(() =>
        collect(provider, {
          symbol: 'BTCUSDT',
          timeframe: '1d',
          start: Date.UTC(2024, 0, 1),
          end: Date.UTC(2024, 0, 2),
        }),
      );
      expect(e).toBeInstanceOf(VenueError);
      expect(e).toMatchObject({ code: 'VENUE_AUTH', status });
      expect((e as VenueError).hint).toContain('BINANCE_API_KEY and BINANCE_API_SECRET');
      expect(fake.requests).toHaveLength(1);
      await fake.close();
    }
  });
});
