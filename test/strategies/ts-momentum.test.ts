import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/core/bar.js';
import type { ConfigError } from '../../src/core/errors.js';
import { runBacktest } from '../../src/orchestration/node.js';
import { tsMomentum } from '../../src/strategies/builtin/ts-momentum.js';
import { validateParams } from '../../src/strategies/define.js';
import { flat } from '../backtest/support.js';

/** ts-momentum over bars whose open, high, low and close all equal the closes; orders as `side qty @bar`. */
function tsmom(series: readonly BarSeries[], params: Record<string, unknown>) {
  const rec = runBacktest({ strategy: 'ts-momentum', params, series, runId: 't', priceRounding: 'none', cash: 10_000 });
  const at = (ts: number): number => (series[0] as BarSeries).indexAtOrBefore(ts);
  return {
    rec,
    orders: rec.orders.map((o) => `${o.side} ${o.qty}${series.length > 1 ? ` ${o.symbol}` : ''} @${at(o.createdAt)}`),
    signals: rec.signals.map((g) => `${g.direction} @${at(g.ts)}`),
  };
}

const CLOSES = [10, 10, 10, 10, 12, 11, 9, 8, 9, 12];

describe('ts-momentum', () => {
  it('goes long on a positive lookback return and reverses to short on a negative one, equal weights', () => {
    // lookback 3: r(i) = close(i) / close(i - 3) - 1. i = 3: 10 / 10 - 1 = 0, flat: no change (every
    // symbol starts flat);
    // i = 4: 12 / 10 - 1 > 0, long 1 x 10,000 / 12 = 833.3 -> 833, filled at i = 5's open 11.
    // i = 5: 11 / 10 - 1 > 0 (no change). i = 6: 9 / 10 - 1 < 0, short: equity 10,000 + 833 x (9 - 11)
    // = 8,334, target -8,334 / 9 = -926: sell 926 + 833 = 1,759, filled at i = 7's open 8.
    // i = 7: 8 / 12 - 1, i = 8: 9 / 11 - 1 < 0 (no change). i = 9: 12 / 9 - 1 > 0, long: cash
    // 10,000 - 833 x 11 + 1,759 x 8 = 14,909, equity 14,909 - 926 x 12 = 3,797, target 3,797 / 12
    // = 316.4 -> 316: buy 316 + 926 = 1,242.
    const r = tsmom([flat('AAA', CLOSES)], { lookback: 3, sizing: 'equal' });
    expect(r.signals).toEqual(['long @4', 'short @6', 'long @9']);
    expect(r.orders).toEqual(['buy 833 @4', 'sell 1759 @6', 'buy 1242 @9']);
    const momenta = r.rec.signals.map((s) => s.meta.momentum as number);
    [0.2, -0.1, 1 / 3].forEach((want, k) => expect(momenta[k]).toBeCloseTo(want, 12));
  });

  it('goes flat instead of short with allowShort false', () => {
    // As above; i = 6 sells the 833 (filled at 8): cash 837 + 6,664 = 7,501; i = 9: 7,501 / 12 = 625.08.
    const r = tsmom([flat('AAA', CLOSES)], { lookback: 3, sizing: 'equal', allowShort: false });
    expect(r.signals).toEqual(['long @4', 'flat @6', 'long @9']);
    expect(r.orders).toEqual(['buy 833 @4', 'sell 833 @6', 'buy 625 @9']);
  });

  it('treats returns within the threshold as flat, and skips the most recent bars', () => {
    // threshold 0.15: r(4) = 0.2 long; r(5) = 0.1 flat; r(6) = -0.1 flat (no change); r(7) = 8 / 12 - 1 =
    // -0.33 short; r(8) = 9 / 11 - 1 = -0.18 (no change); r(9) = 12 / 9 - 1 = 0.33 long.
    const t = tsmom([flat('AAA', CLOSES)], { lookback: 3, threshold: 0.15, sizing: 'equal' });
    expect(t.signals).toEqual(['long @4', 'flat @5', 'short @7', 'long @9']);
    // skip 1: r(i) = close(i - 1) / close(i - 3) - 1: i = 3: 0; i = 4: 0; i = 5: 12 / 10 - 1 long;
    // i = 6: 11 / 10 - 1 (no change); i = 7: 9 / 12 - 1 short; i = 8: 8 / 11 - 1; i = 9: 9 / 9 - 1 = 0 flat.
    const s = tsmom([flat('AAA', CLOSES)], { lookback: 3, skip: 1, sizing: 'equal' });
    expect(s.signals).toEqual(['long @5', 'short @7', 'flat @9']);
  });

  it('scales each position to the volatility target, capped at maxWeight, split over the symbols', () => {
    // Closes 100, 100e^0.2, 100e^0.1: log returns 0.2 and -0.1. Over a 2-bar window the sample
    // standard deviation is |0.2 - (-0.1)| / sqrt(2) = 0.2121; with 2 periods a year sigma =
    // 0.2121 x sqrt(2) = 0.3. lookback 2: r(2) = e^0.1 - 1 > 0, long at bar 2 (close 110.517).
    const closes = [100, 100 * Math.exp(0.2), 100 * Math.exp(0.1)];
    const base = { lookback: 2, volWindow: 2, periodsPerYear: 2 };
    // volTarget 0.15: weight 0.15 / 0.3 = 0.5; 0.5 x 10,000 / 110.517 = 45.2 -> 45.
    const half = tsmom([flat('AAA', closes)], { ...base, volTarget: 0.15 });
    expect(half.orders).toEqual(['buy 45 @2']);
    expect(half.rec.signals[0]?.targetWeight).toBeCloseTo(0.5, 12);
    expect(half.rec.signals[0]?.meta.realized_vol_2_2).toBeCloseTo(0.3, 12);
    // volTarget 0.6: 0.6 / 0.3 = 2, capped at maxWeight 1: 10,000 / 110.517 = 90.5 -> 90.
    expect(tsmom([flat('AAA', closes)], { ...base, volTarget: 0.6 }).orders).toEqual(['buy 90 @2']);
    // Two symbols with the same bars: each gets min(1, 2) / 2 = 0.5 of equity -> 45 each.
    const two = tsmom([flat('AAA', closes), flat('BBB', closes)], { ...base, volTarget: 0.6 });
    expect(two.orders).toEqual(['buy 45 AAA @2', 'buy 45 BBB @2']);
  });

  it('rejects bad parameters with CONFIG_INVALID_VALUE naming the parameter', () => {
    const bad = (raw: Record<string, unknown>): ConfigError => {
      try {
        validateParams(tsMomentum, raw);
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected an error');
    };
    const skip = bad({ lookback: 21, skip: 21 });
    expect(skip.code).toBe('CONFIG_INVALID_VALUE');
    expect(skip.message).toContain('parameter skip');
    expect(skip.message).toContain('skip (21) must be less than lookback (21)');
    expect(skip.context.key).toBe('params.skip');
    const sizing = bad({ sizing: 'kelly' });
    expect(sizing.message).toContain('parameter sizing');
    expect(sizing.hint).toContain('vol-target');
    expect(bad({ volTarget: 0 }).context.key).toBe('params.volTarget');
    expect(validateParams(tsMomentum, {})).toMatchObject({ lookback: 252, skip: 0, volTarget: 0.4, allowShort: true });
  });
});
