/**
 * Golden runs of donchian-breakout from config/strategy/donchian-breakout.yaml: on the synthetic
 * universe as shipped, and on NVDA daily bars (1999-2014, no fees or slippage), every round trip
 * re-derived from the raw highs, lows and closes.
 */
import { describe, expect, it } from 'vitest';
import { expectGolden, goldenRun } from './harness.js';
import {
  closedTrips,
  expectMarketFillsAtNextOpen,
  expectTrips,
  expectTripsPerSymbol,
  sharedDaily,
  type Bars,
  type Trip,
} from './reference.js';

/**
 * The turtle rules on one symbol, long only, all of equity, cash 100,000: a close above the
 * highest high of the previous `entry` bars wants long, below their lowest low short (flat without
 * shorts); a long is done when the close falls below the lowest low of the previous `exit` bars.
 * Only changes of what the rule wants act; buys are floor(equity / close) shares at the signal
 * close; orders fill at the next open, moved `slip` against them.
 */
function reference(b: Bars, entry: number, exit: number, slip = 0): Trip[] {
  const trips: Trip[] = [];
  const hi = (i: number, n: number): number => (i < n ? NaN : Math.max(...b.high.slice(i - n, i)));
  const lo = (i: number, n: number): number => (i < n ? NaN : Math.min(...b.low.slice(i - n, i)));
  let cash = 100_000;
  let qty = 0;
  let side = 0;
  let last = 0; // every symbol starts flat
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
    const c = b.close[i] as number;
    let d = NaN;
    if (c > hi(i, entry)) d = side = 1;
    else if (c < lo(i, entry)) d = side = -1;
    else if (side > 0 && c < lo(i, exit)) d = side = 0;
    if (Number.isNaN(d) || d === last) continue;
    last = d;
    if (d > 0) order = Math.floor((cash + qty * c) / c) - qty;
    else if (qty > 0) order = -1;
  }
  return trips;
}

describe('golden: donchian-breakout', () => {
  it('runs config/strategy/donchian-breakout.yaml on the synthetic universe', async () => {
    const run = await goldenRun('donchian-breakout.yaml');
    expectGolden(
      'donchian-breakout-synthetic',
      run,
      'donchian-breakout.yaml as shipped: 6 synthetic symbols, 2015-2024, daily',
    );
    expect(expectMarketFillsAtNextOpen(run, '1d', 5)).toBeGreaterThan(200);
    expect(expectTripsPerSymbol(run, '1d', (b) => reference(b, 20, 10, 5e-4))).toBeGreaterThan(100);
  });

  it('trades NVDA 1999-2014 exactly as the rules re-derived from the raw file', async () => {
    const run = await goldenRun(
      'donchian-breakout.yaml',
      ['--symbols', 'NVDA', '--start', '1999-01-22', '--end', '2014-12-31', '--fees', 'none', '--slippage', 'none'],
      [{ file: 'nvda-1999-2014.txt', symbol: 'NVDA' }],
    );
    expectGolden('donchian-breakout-nvda', run, 'donchian-breakout.yaml on NVDA daily 1999-2014, no fees, no slippage');
    const want = reference(sharedDaily('nvda-1999-2014.txt'), 20, 10);
    expectTrips(closedTrips(run), want);
    expect(want.length).toBeGreaterThan(40);
    /*
     * The first trip by hand from the file: the highest high of the 20 rows 1999-01-26 ..
     * 1999-02-23 is 1.869792; the 1999-02-24 close 1.979167 is above it: buy floor(100,000 /
     * 1.979167) = 50,526 shares, filled at the 1999-02-25 open 2.0625. No close until 1999-03-23
     * falls below the lowest low of its previous 10 rows; that day's close 1.59375 is below both
     * the 10-row low (1.666667) and the 20-row low (1.645833): sold at the 1999-03-24 open 1.583333.
     */
    expect(closedTrips(run)[0]).toEqual(['1999-02-25', expect.closeTo(2.0625, 9), '1999-03-24', 1.583333, 50526]);
  });
});
