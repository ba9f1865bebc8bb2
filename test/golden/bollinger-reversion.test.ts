/**
 * Golden runs of bollinger-reversion from config/strategy/bollinger-reversion.yaml: on the
 * synthetic universe as shipped, and on NVDA daily bars (1999-2014, no fees or slippage) where
 * every round trip is re-derived from the raw file and TA-Lib's BBANDS(20, 2, 2).
 */
import { describe, expect, it } from 'vitest';
import { expectGolden, goldenRun } from './harness.js';
import {
  closedTrips,
  expectMarketFillsAtNextOpen,
  expectTrips,
  expectTripsPerSymbol,
  sharedDaily,
  talib,
  type Bars,
  type Trip,
} from './reference.js';

/** Bollinger bands (period, k) from the closes: SMA and population standard deviation of each window. */
function bands(close: readonly number[], period: number, k: number): [number[], number[], number[]] {
  const up: number[] = [];
  const mid: number[] = [];
  const dn: number[] = [];
  close.forEach((_, i) => {
    if (i < period - 1) {
      up.push(NaN);
      mid.push(NaN);
      dn.push(NaN);
      return;
    }
    const w = close.slice(i - period + 1, i + 1);
    const m = w.reduce((a, x) => a + x, 0) / period;
    const sd = Math.sqrt(w.reduce((a, x) => a + (x - m) ** 2, 0) / period);
    up.push(m + k * sd);
    mid.push(m);
    dn.push(m - k * sd);
  });
  return [up, mid, dn];
}

/**
 * The rules on one symbol, long only, all of equity (equal weight of one symbol), cash 100,000:
 * a close at or below the lower band wants long, at or above the upper band short (flat without
 * shorts), and a long is done once the close is back at or above the middle band; only changes
 * of what the rule wants act. Buys are floor(equity / close) shares at the signal close, filled
 * at the next open like the sells; fills move `slip` against the order.
 */
function reference(b: Bars, up: number[], mid: number[], dn: number[], slip = 0): Trip[] {
  const trips: Trip[] = [];
  let cash = 100_000;
  let qty = 0;
  let side = 0;
  let last = 0; // every symbol starts flat
  let order = 0;
  let entry: [string, number] | undefined;
  for (let i = 0; i < b.date.length; i++) {
    const open = b.open[i] as number;
    if (order > 0) {
      qty = order;
      cash -= qty * open * (1 + slip);
      entry = [b.date[i] as string, open * (1 + slip)];
    } else if (order < 0) {
      trips.push([...(entry as [string, number]), b.date[i] as string, open * (1 - slip), qty]);
      cash += qty * open * (1 - slip);
      qty = 0;
    }
    order = 0;
    const c = b.close[i] as number;
    if (Number.isNaN(mid[i] as number)) continue;
    let d = NaN;
    if (c <= (dn[i] as number)) d = side = 1;
    else if (c >= (up[i] as number)) d = side = -1;
    else if (side > 0 ? c >= (mid[i] as number) : side < 0 ? c <= (mid[i] as number) : false) d = side = 0;
    if (Number.isNaN(d) || d === last) continue;
    last = d;
    if (d > 0) order = Math.floor((cash + qty * c) / c) - qty;
    else if (qty > 0) order = -1;
  }
  return trips;
}

describe('golden: bollinger-reversion', () => {
  it('runs config/strategy/bollinger-reversion.yaml on the synthetic universe', async () => {
    const run = await goldenRun('bollinger-reversion.yaml');
    expectGolden(
      'bollinger-reversion-synthetic',
      run,
      'bollinger-reversion.yaml as shipped: 6 synthetic symbols, 2015-2024, daily',
    );
    expect(expectMarketFillsAtNextOpen(run, '1d', 5)).toBeGreaterThan(200);
    // Every symbol's round trips as the rules derive them from its raw bars (5 bps of slippage).
    const trips = expectTripsPerSymbol(run, '1d', (b) => reference(b, ...bands(b.close, 20, 2), 5e-4));
    expect(trips).toBeGreaterThan(100);
  });

  it('trades NVDA 1999-2014 exactly as the rules re-derived from the raw file and TA-Lib', async () => {
    const run = await goldenRun(
      'bollinger-reversion.yaml',
      ['--symbols', 'NVDA', '--start', '1999-01-22', '--end', '2014-12-31', '--fees', 'none', '--slippage', 'none'],
      [{ file: 'nvda-1999-2014.txt', symbol: 'NVDA' }],
    );
    expectGolden(
      'bollinger-reversion-nvda',
      run,
      'bollinger-reversion.yaml on NVDA daily 1999-2014, no fees, no slippage',
    );
    const b = sharedDaily('nvda-1999-2014.txt');
    const bands = (o: string) => talib('nvda', 'bbands_20_2_2', `${o}_20_2_2`);
    const want = reference(b, bands('bb_up'), bands('bb_mid'), bands('bb_dn'));
    expectTrips(closedTrips(run), want);
    expect(want.length).toBeGreaterThan(40);
    /*
     * The first trip by hand from the file: on 1999-03-23 the 20 closes to date have mean 1.767448
     * and population sd 0.086281, so the lower band is 1.594887 and the close 1.59375 is below it:
     * buy floor(100,000 / 1.59375) = 62,745 shares, filled at the 1999-03-24 open 1.583333. The
     * closes of 03-24 (1.583333, band 1.586333) and 03-25 (1.604167, under the middle 1.732031)
     * hold; on 1999-03-26 the close 1.744792 is above the middle band 1.727865: sold at the
     * 1999-03-29 open 1.796875.
     */
    expect(closedTrips(run)[0]).toEqual(['1999-03-24', expect.closeTo(1.583333, 9), '1999-03-29', 1.796875, 62745]);
  });
});
