import { expect } from 'vitest';
import type { Bar } from '../../src/core/bar.js';
import type { BarRequest, DataProvider } from '../../src/engine/ports.js';

/** Every bar of a request, with the page sizes seen. */
export async function collect(provider: DataProvider, request: BarRequest): Promise<{ bars: Bar[]; pages: number[] }> {
  const bars: Bar[] = [];
  const pages: number[] = [];
  for await (const page of provider.fetchBars(request)) {
    pages.push(page.length);
    bars.push(...page);
  }
  return { bars, pages };
}

/**
 * The DataProvider contract (STYLE.md: one shared suite for every implementation): bars come
 * in ascending pages, inside [start, end), for the requested symbol, with consistent OHLC,
 * positive prices, non-negative volume and no duplicate timestamps; daily bars sit at 00:00 UTC.
 * Returns the bars for further checks.
 */
export async function expectDataProviderContract(provider: DataProvider, request: BarRequest): Promise<Bar[]> {
  const { bars } = await collect(provider, request);
  expect(bars.length, `${provider.name} returned no bars for ${request.symbol}`).toBeGreaterThan(0);
  let prev = -Infinity;
  for (const b of bars) {
    expect(b.symbol).toBe(request.symbol);
    expect(b.ts).toBeGreaterThan(prev);
    expect(b.ts).toBeGreaterThanOrEqual(request.start);
    expect(b.ts).toBeLessThan(request.end);
    if (request.timeframe === '1d') expect(b.ts % 86_400_000).toBe(0);
    for (const v of [b.open, b.high, b.low, b.close]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
    expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
    expect(b.volume).toBeGreaterThanOrEqual(0);
    prev = b.ts;
  }
  const inst = provider.instrument(request.symbol);
  expect(inst.symbol).toBe(request.symbol);
  return bars;
}
