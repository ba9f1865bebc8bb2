import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bbands } from '../../src/analytics/indicators/bbands.js';
import { zscore } from '../../src/analytics/indicators/zscore.js';
import { runBacktest } from '../../src/orchestration/node.js';
import { flat } from '../backtest/support.js';
import { SHARED_DATA } from '../support/paths.js';

function run(closes: readonly number[], params: Record<string, unknown>) {
  const s = flat('AAA', closes);
  const rec = runBacktest({ strategy: 'bollinger-reversion', params, series: [s], runId: 't', priceRounding: 'none' });
  const at = (ts: number): number => s.indexAtOrBefore(ts);
  return {
    rec,
    orders: rec.orders.map((o) => `${o.side} ${o.qty} @${at(o.createdAt)} ${o.avgFillPrice}`),
    signals: rec.signals.map((g) => `${g.direction} @${at(g.ts)}`),
  };
}

/*
 * Period 6, 2 deviations. At i = 5 the window is 10, 10, 10, 10, 10, 7: mean 9.5, population
 * variance (5 x 0.25 + 6.25) / 6 = 1.25, sd 1.1180; lower band 9.5 - 2.2361 = 7.2639 > 7 (z = -2.236):
 * long, filled at i = 6's open, 8 (i = 5 is the first bar with a z-score: the strategy's warm-up
 * ends there, so it can act). i = 6: window 10, 10, 10, 10, 7, 8, mean 9.1667 > 8: hold.
 * i = 7: window 10, 10, 10, 7, 8, 9.5, mean 9.0833 <= 9.5: the close is back at the middle band:
 * flat, filled at i = 8's open, 10.
 */
const DIP = [10, 10, 10, 10, 10, 7, 8, 9.5, 10, 10];

describe('bollinger-reversion', () => {
  it('buys a close below the lower band and sells when the close is back at the middle band', () => {
    const r = run(DIP, { period: 6, qty: 1 });
    expect(r.signals).toEqual(['long @5', 'flat @7']);
    expect(r.orders).toEqual(['buy 1 @5 8', 'sell 1 @7 10']);
  });

  it('shorts a close above the upper band with allowShort and covers at the middle band', () => {
    // The mirror image around 10: 13 at i = 5 is above the upper band 12.736; cover at 10.5 >= mean.
    const rise = DIP.map((c) => 20 - c);
    expect(run(rise, { period: 6, qty: 1, allowShort: true }).orders).toEqual(['sell 1 @5 12', 'buy 1 @7 10']);
    expect(run(rise, { period: 6, qty: 1 }).orders).toEqual([]);
  });

  it('with exitZ > 0 exits once |z| falls under it', () => {
    // i = 6: z = (8 - 9.1667) / sd(10, 10, 10, 10, 7, 8) = -1.1667 / 1.2134 = -0.96: |z| < 1: flat at once.
    expect(run(DIP, { period: 6, qty: 1, exitZ: 1 }).orders).toEqual(['buy 1 @5 8', 'sell 1 @6 9.5']);
  });

  it('z <= -2 is "close at or below the lower Bollinger band (20, 2)" on every ORCL bar', () => {
    // zscore uses the population standard deviation, as BBANDS does: both rules agree on all 5036
    // closes except within rounding of the band itself.
    const rows = readFileSync(join(SHARED_DATA, 'orcl-1995-2014.txt'), 'utf8').trim().split('\n').slice(1);
    const close = Float64Array.from(rows, (r) => Number(r.split(',')[4]));
    const z = zscore(close, 20);
    const { up, mid, dn } = bbands(close, 20, 2, 2);
    let below = 0;
    for (let i = 19; i < close.length; i++) {
      const c = close[i] as number;
      const near = (band: number): boolean => Math.abs(c - band) < 1e-9 * c;
      if (!near(dn[i] as number)) expect((z[i] as number) <= -2, `row ${i}`).toBe(c <= (dn[i] as number));
      if (!near(up[i] as number)) expect((z[i] as number) >= 2, `row ${i}`).toBe(c >= (up[i] as number));
      if (!near(mid[i] as number)) expect((z[i] as number) >= 0, `row ${i}`).toBe(c >= (mid[i] as number));
      if (c <= (dn[i] as number)) below++;
    }
    expect(below).toBeGreaterThan(100);
  });

  it('rejects bad parameters with CONFIG_INVALID_VALUE naming the parameter', () => {
    expect(() => run(DIP, { exitZ: 2 })).toThrow(
      /parameter exitZ of strategy bollinger-reversion is invalid: exitZ \(2\) must be below deviations \(2\)/,
    );
    expect(() => run(DIP, { period: 1 })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID_VALUE',
        context: expect.objectContaining({ key: 'params.period' }),
      }),
    );
  });
});
