/**
 * Golden runs of ema-cross from config/strategy/ema-cross.yaml: on the synthetic universe as
 * shipped (EMA 12/26), and on ORCL daily bars (1995-2014, EMA 20/50, no fees or slippage) where
 * every round trip is re-derived from the raw file and TA-Lib's EMA(20) and EMA(50).
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

/** EMA(period) as TA-Lib seeds it: the mean of the first `period` values, then k = 2 / (period + 1). */
function emaOf(x: readonly number[], period: number): number[] {
  const k = 2 / (period + 1);
  const out: number[] = [];
  x.forEach((v, i) => {
    if (i < period - 1) out.push(NaN);
    else if (i === period - 1) out.push(x.slice(0, period).reduce((a, y) => a + y, 0) / period);
    else out.push(v * k + (out[i - 1] as number) * (1 - k));
  });
  return out;
}

/**
 * The crossover rules on one symbol, long only, all of equity, cash 100,000: the first bar with
 * both averages only sets the sign of fast - slow; a change of sign is a cross, long when up,
 * flat when down. Buys are floor(equity / close) shares at the signal close; orders fill at the
 * next open, moved `slip` against them.
 */
function reference(b: Bars, fast: number[], slow: number[], slip = 0): Trip[] {
  const trips: Trip[] = [];
  let cash = 100_000;
  let qty = 0;
  let sign = 0;
  let order = 0;
  let entered: [string, number] | undefined;
  for (let i = 0; i < b.date.length; i++) {
    const open = b.open[i] as number;
    if (order > 0) {
      qty = order;
      cash -= qty * open * (1 + slip);
      entered = [b.date[i] as string, open * (1 + slip)];
    } else if (order < 0) {
      trips.push([...(entered as [string, number]), b.date[i] as string, open * (1 - slip), qty]);
      cash += qty * open * (1 - slip);
      qty = 0;
    }
    order = 0;
    const f = fast[i] as number;
    const s = slow[i] as number;
    if (Number.isNaN(f) || Number.isNaN(s)) continue;
    const prev = sign;
    sign = f > s ? 1 : f < s ? -1 : sign;
    if (prev === 0 || sign === prev) continue;
    const c = b.close[i] as number;
    if (sign > 0) order = Math.floor(cash / c);
    else if (qty > 0) order = -1;
  }
  return trips;
}

describe('golden: ema-cross', () => {
  it('runs config/strategy/ema-cross.yaml on the synthetic universe', async () => {
    const run = await goldenRun('ema-cross.yaml');
    expectGolden(
      'ema-cross-synthetic',
      run,
      'ema-cross.yaml as shipped: EMA 12/26, 6 synthetic symbols, 2015-2024, daily',
    );
    expect(expectMarketFillsAtNextOpen(run, '1d', 5)).toBeGreaterThan(200);
    const trips = expectTripsPerSymbol(run, '1d', (b) => reference(b, emaOf(b.close, 12), emaOf(b.close, 26), 5e-4));
    expect(trips).toBeGreaterThan(100);
  });

  it('trades ORCL 1995-2014 (EMA 20/50) exactly as the rules re-derived from the raw file and TA-Lib', async () => {
    const run = await goldenRun(
      'ema-cross.yaml',
      [
        '--symbols',
        'ORCL',
        '--start',
        '1995-01-03',
        '--end',
        '2014-12-31',
        '--param',
        'fast=20',
        '--param',
        'slow=50',
        '--fees',
        'none',
        '--slippage',
        'none',
      ],
      [{ file: 'orcl-1995-2014.txt', symbol: 'ORCL' }],
    );
    expectGolden(
      'ema-cross-orcl',
      run,
      'ema-cross.yaml with fast 20, slow 50 on ORCL daily 1995-2014, no fees, no slippage',
    );
    const want = reference(sharedDaily('orcl-1995-2014.txt'), talib('orcl', 'ema_20'), talib('orcl', 'ema_50'));
    expectTrips(closedTrips(run), want);
    expect(want.length).toBeGreaterThan(40);
    /*
     * The first trip by hand from TA-Lib's values: both EMAs first exist on 1995-03-14 (EMA20
     * 2.350387 > EMA50 2.218704: the sign is set, no trade). 1995-04-26: 2.277903 < 2.281329, a
     * down-cross while flat. 1995-05-10: 2.279948 < 2.280576; 1995-05-11: 2.289441 > 2.284461, the
     * up-cross: buy floor(100,000 / 2.379630) = 42,023 shares, filled at the 1995-05-12 open
     * 2.370370. 1995-09-27: 3.014141 > 3.012654; 1995-09-28: 3.003976 < 3.008526, the down-cross:
     * sold at the 1995-09-29 open 2.907408.
     */
    expect(closedTrips(run)[0]).toEqual(['1995-05-12', expect.closeTo(2.37037, 9), '1995-09-29', 2.907408, 42023]);
  });
});
