import { afterEach, describe, expect, it } from 'vitest';
import { VenueError } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/core/logger.js';
import { BinanceProvider } from '../../../src/venues/binance/index.js';
import type { BarRequest } from '../../../src/engine/ports.js';
import { collect } from '../../contracts/data-provider.contract.js';
import { startFakeBinance, type FakeBinance, type FakeBinanceOptions } from '../../fakes/binance/server.js';
import { binanceContext, rejectionOf, VirtualClock, type ContextSetup } from './context.js';

const HOUR = 3_600_000;
const DAYS: BarRequest = {
  symbol: 'BTCUSDT',
  timeframe: '1d',
  start: Date.UTC(2024, 0, 1),
  end: Date.UTC(2024, 0, 11),
};

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

describe('BinanceProvider: rate limits', () => {
  it('waits the Retry-After of a 429, then gets every bar', async () => {
    const { provider, fake, clock } = await setup({ faults: [{ kind: 'status', status: 429, retryAfter: 3 }] });
    const { bars } = await collect(provider, DAYS);
    expect(bars).toHaveLength(10);
    expect(clock.sleeps).toEqual([3000]);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('waits out a short 418 IP ban (Retry-After), then continues', async () => {
    const { provider, fake, clock } = await setup({ faults: [{ kind: 'status', status: 418, retryAfter: 5 }] });
    expect((await collect(provider, DAYS)).bars).toHaveLength(10);
    expect(clock.sleeps).toEqual([5000]);
    expect(fake.requests.map((r) => r.status)).toEqual([418, 200]);
  });

  it('gives up at once on a long 418 ban, saying how long it lasts', async () => {
    const { provider, fake, clock } = await setup({ faults: [{ kind: 'status', status: 418, retryAfter: 7200 }] });
    const e = await rejectionOf(() => collect(provider, DAYS));
    expect(e).toBeInstanceOf(VenueError);
    expect(e).toMatchObject({ code: 'VENUE_RATE_LIMITED', status: 418, retryable: true, retryAfterMs: 7_200_000 });
    expect((e as VenueError).message).toContain('banned this IP');
    expect((e as VenueError).message).toContain('7200 s');
    expect(clock.sleeps).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('raises VENUE_RATE_LIMITED after the configured retries of 429s', async () => {
    const too = { kind: 'status', status: 429, retryAfter: 2 } as const;
    const { provider, fake, clock } = await setup({ faults: [too, too, too, too] }, { http: { retries: 2 } });
    const e = await rejectionOf(() => collect(provider, DAYS));
    expect(e).toMatchObject({ code: 'VENUE_RATE_LIMITED', status: 429, retryable: true });
    expect(clock.sleeps).toEqual([2000, 2000]);
    expect(fake.requests).toHaveLength(3);
  });

  it('honours Retry-After: 1 in real time', async () => {
    const { provider, fake } = await setup(
      { now: Date.now, faults: [{ kind: 'status', status: 429, retryAfter: 1 }] },
      { isRealTime: true },
    );
    const t0 = performance.now();
    const { bars } = await collect(provider, DAYS);
    const elapsed = performance.now() - t0;
    expect(bars).toHaveLength(10);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(5000);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('sleeps until the minute rolls when X-MBX-USED-WEIGHT-1M nears 6000, and so never meets a 429', async () => {
    // NOW is 12 345 ms into its minute; the fake's minute already holds 5995 weight.
    const { provider, fake, clock } = await setup({ initialUsedWeight: 5995 });
    const start = Date.UTC(2024, 0, 1);
    const { bars } = await collect(provider, { symbol: 'BTCUSDT', timeframe: '1m', start, end: start + 3000 * 60_000 });
    expect(bars).toHaveLength(3000);
    expect(clock.sleeps).toEqual([60_000 - 12_345 + 500]);
    expect(fake.requests.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it("waits out the fake's own 429 when the minute's weight is already spent", async () => {
    const { provider, fake, clock } = await setup({ initialUsedWeight: 5999 });
    const { bars } = await collect(provider, DAYS);
    expect(bars).toHaveLength(10);
    expect(clock.sleeps).toEqual([48_000]); // Retry-After: ceil(47.655 s)
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
  });
});

describe('BinanceProvider: venue failures', () => {
  it('retries a 500 after a backoff, then succeeds', async () => {
    const { provider, fake, clock } = await setup({ faults: [{ kind: 'status', status: 500 }] });
    expect((await collect(provider, DAYS)).bars).toHaveLength(10);
    expect(fake.requests.map((r) => r.status)).toEqual([500, 200]);
    expect(clock.sleeps).toHaveLength(1);
    // backoff_ms 500 on the first retry, with jitter in [d/2, d] (HttpClient).
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(250);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(500);
  });

  it('turns a slow answer into a retryable VENUE_UNAVAILABLE after its retries', async () => {
    const slow = { kind: 'delay', ms: 6000 } as const;
    const { provider, fake } = await setup({ faults: [slow, slow] }, { http: { timeout_ms: 100, retries: 1 } });
    const t0 = performance.now();
    const e = await rejectionOf(() => collect(provider, DAYS));
    expect(performance.now() - t0).toBeLessThan(4000); // far below the 2 x 6 s the server would take
    expect(e).toMatchObject({ code: 'VENUE_UNAVAILABLE', retryable: true });
    expect((e as VenueError).message).toContain('did not answer within 100 ms');
    expect(fake.requests).toHaveLength(2);
  });

  it('reports an invalid symbol as VENUE_BAD_RESPONSE with Binance msg, not retried', async () => {
    const { provider, fake } = await setup();
    const e = await rejectionOf(() => collect(provider, { ...DAYS, symbol: 'DOGEUSDT' }));
    expect(e).toMatchObject({ code: 'VENUE_BAD_RESPONSE', status: 400, retryable: false });
    expect((e as VenueError).message).toContain('Invalid symbol.');
    expect((e as VenueError).message).toContain('/api/v3/klines');
    expect((e as VenueError).hint).toContain('"DOGEUSDT" was sent');
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects a row with 5 fields as VENUE_BAD_RESPONSE naming the endpoint and row', async () => {
    const { provider, fake } = await setup({ faults: [{ kind: 'malformed', variant: 'short-row' }] });
    const e = await rejectionOf(() => collect(provider, DAYS));
    expect(e).toMatchObject({ code: 'VENUE_BAD_RESPONSE', retryable: false });
    expect((e as VenueError).message).toBe(
      'binance /api/v3/klines returned a malformed payload: row 2 has 5 fields, expected 12',
    );
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects a non-numeric price and a body that is not JSON', async () => {
    const { provider } = await setup({
      faults: [
        { kind: 'malformed', variant: 'non-numeric' },
        { kind: 'malformed', variant: 'not-json' },
      ],
    });
    const e1 = await rejectionOf(() => collect(provider, DAYS));
    expect(e1).toMatchObject({ code: 'VENUE_BAD_RESPONSE' });
    expect((e1 as VenueError).message).toMatch(/\/api\/v3\/klines .*row 2 field close \("abc"\)/);
    const e2 = await rejectionOf(() => collect(provider, DAYS));
    expect(e2).toMatchObject({ code: 'VENUE_BAD_RESPONSE' });
    expect((e2 as VenueError).message).toContain('not JSON');
  });

  it('rejects inconsistent OHLC and out-of-order klines', async () => {
    const row = (t: number, o: string, h: string, l: string, c: string): unknown[] => [
      t,
      o,
      h,
      l,
      c,
      '1.00000000',
      t + 86_399_999,
      '1.00000000',
      1,
      '0.50000000',
      '0.50000000',
      '0',
    ];
    const d1 = Date.UTC(2024, 0, 1);
    const d2 = Date.UTC(2024, 0, 2);
    const { provider } = await setup({
      faults: [
        { kind: 'body', body: [row(d1, '10.00000000', '9.00000000', '8.00000000', '8.50000000')] },
        {
          kind: 'body',
          body: [
            row(d2, '10.00000000', '11.00000000', '9.00000000', '10.50000000'),
            row(d1, '10.00000000', '11.00000000', '9.00000000', '10.50000000'),
          ],
        },
      ],
    });
    const e1 = await rejectionOf(() => collect(provider, DAYS));
    expect((e1 as VenueError).message).toContain('kline 2024-01-01T00:00:00.000Z: high 9 is below max(open, close)');
    const e2 = await rejectionOf(() => collect(provider, DAYS));
    expect((e2 as VenueError).message).toContain('kline 2024-01-01T00:00:00.000Z is out of order or repeated');
  });

  it('keeps the pages that arrived before a malformed one', async () => {
    const { provider } = await setup({ faults: [null, { kind: 'malformed', variant: 'short-row' }] });
    const start = Date.UTC(2024, 0, 1);
    const seen: number[] = [];
    const e = await rejectionOf(async () => {
      for await (const page of provider.fetchBars({
        symbol: 'BTCUSDT',
        timeframe: '1h',
        start,
        end: start + 1500 * HOUR,
      }))
        seen.push(page.length);
    });
    expect(seen).toEqual([1000]);
    expect(e).toMatchObject({ code: 'VENUE_BAD_RESPONSE' });
  });

  it('passes a venue gap through as missing bars, keeps paging past it, and logs it', async () => {
    const lines: string[] = [];
    const logger = await createLogger({ level: 'warn', write: (l) => lines.push(l) });
    const gap = { from: Date.UTC(2024, 0, 10), to: Date.UTC(2024, 0, 11, 6) }; // 30 hours missing
    const { provider, fake } = await setup({ gaps: [gap] }, { logger });
    const start = Date.UTC(2024, 0, 1);
    const { bars, pages } = await collect(provider, {
      symbol: 'BTCUSDT',
      timeframe: '1h',
      start,
      end: start + 1500 * HOUR,
    });
    const expected = Array.from({ length: 1500 }, (_, i) => start + i * HOUR).filter(
      (t) => t < gap.from || t >= gap.to,
    );
    expect(expected).toHaveLength(1470);
    expect(bars.map((b) => b.ts)).toEqual(expected);
    expect(pages).toEqual([1000, 470]);
    expect(fake.requests).toHaveLength(2);
    const warnings = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['missing'] !== undefined);
    expect(warnings).toEqual([
      expect.objectContaining({
        missing: 30,
        after: '2024-01-09T23:00:00.000Z',
        before: '2024-01-11T06:00:00.000Z',
      }),
    ]);
  });
});
