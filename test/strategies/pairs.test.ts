import { describe, expect, it } from 'vitest';
import { BarSeries } from '../../src/core/bar.js';
import type { ConfigError } from '../../src/core/errors.js';
import { runBacktest } from '../../src/orchestration/node.js';
import { pairsMeanReversion } from '../../src/strategies/builtin/pairs-mean-reversion.js';
import { pairsMomentum } from '../../src/strategies/builtin/pairs-momentum.js';
import { validateParams } from '../../src/strategies/define.js';
import { describeParams } from '../../src/strategies/describe.js';
import { flat } from '../backtest/support.js';

/*
 * A = AAA, B = BBB, static hedge ratio fitted on bars 0-2 (window 3), z-score over 3 spreads.
 * Bars 0-2: B 10, 11, 12 and A 20, 22, 24: beta = 2 exactly, spread A - 2B = 0. B stays at 12, so
 * the spread is A - 24:
 *   bar  A     spread  last 3 spreads      z
 *   2    24    0       -                   NaN
 *   3    24    0       -                   NaN
 *   4    27    3       0, 0, 3             (3 - 1) / sqrt(2) = +1.414 (two equal spreads, then x: +-sqrt 2)
 *   5    25.5  1.5     0, 3, 1.5           0 (the mean)
 *   6    25.5  1.5     3, 1.5, 1.5         (1.5 - 2) / sqrt(0.5) = -0.707
 *   7    22.5  -1.5    1.5, 1.5, -1.5      -1.414
 *   8    22.5  -1.5    1.5, -1.5, -1.5     (-1.5 + 0.5) / sqrt(2) = -0.707
 *   9    24    0       -1.5, -1.5, 0       +1.414
 *   10   24    0       -1.5, 0, 0          +0.707
 * All bars are flat (open = close), so a fill at the next open is at that bar's price.
 */
const A = [20, 22, 24, 24, 27, 25.5, 25.5, 22.5, 22.5, 24, 24];
const B = [10, 11, 12, 12, 12, 12, 12, 12, 12, 12, 12];
const BASE = { pair: ['AAA', 'BBB'], window: 3, zWindow: 3, hedgeMode: 'static', entry: 1.2, exit: 0.5 };

function pairs(strategy: string, params: Record<string, unknown>, series = [flat('AAA', A), flat('BBB', B)]) {
  const rec = runBacktest({ strategy, params, series, runId: 't', priceRounding: 'none', cash: 10_000 });
  const at = (ts: number): number => (series[0] as BarSeries).indexAtOrBefore(ts);
  return { rec, orders: rec.orders.map((o) => `@${at(o.createdAt)} ${o.side} ${o.qty} ${o.symbol}`) };
}

describe('pairs-mean-reversion', () => {
  it('shorts a stretched spread, exits near its mean, buys a depressed one and flips, both legs on one bar', () => {
    // Bar 4, z +1.41 > 1.2: short the spread. Beta sizing: qA (27 + 2 x 12) = 10,000, so A gets
    // 27/51 and B 24/51 of equity: sell floor(10,000 x 27/51 / 27) = 196 A, buy floor(10,000 x
    // 24/51 / 12) = 392 B (sells first). Bar 5, z 0 < 0.5: close both. Bar 7, z -1.41: long the
    // spread, 22.5 / 46.5 and 24 / 46.5 of 10,000 (no P&L so far: fills at unchanged prices): buy
    // 215 A, sell 430 B. Bar 9, z +1.41: flip. Equity 10,000 + 215 x (24 - 22.5) = 10,322.5;
    // each leg is 24 / 48 = half: A to -floor(5,161.25 / 24) = -215 (sell 430), B to
    // floor(5,161.25 / 12) = 430 (buy 860).
    const r = pairs('pairs-mean-reversion', BASE);
    expect(r.orders).toEqual([
      '@4 sell 196 AAA',
      '@4 buy 392 BBB',
      '@5 sell 392 BBB',
      '@5 buy 196 AAA',
      '@7 sell 430 BBB',
      '@7 buy 215 AAA',
      '@9 sell 430 AAA',
      '@9 buy 860 BBB',
    ]);
    const first = r.rec.signals.slice(0, 2);
    expect(first.map((s) => [s.symbol, s.direction])).toEqual([
      ['AAA', 'short'],
      ['BBB', 'long'],
    ]);
    expect(first[0]?.meta).toMatchObject({ pair: 'AAA/BBB', side: 'short spread', beta: 2, spread: 3 });
    expect(first[0]?.meta.z).toBeCloseTo(Math.SQRT2, 12);
    expect(first[0]?.targetWeight).toBeCloseTo(-27 / 51, 12);
  });

  it('sizes dollar-neutral legs with sizing dollar-neutral', () => {
    // Bar 4: half of 10,000 in each leg: sell floor(5,000 / 27) = 185 A, buy floor(5,000 / 12) = 416 B.
    const r = pairs('pairs-mean-reversion', { ...BASE, sizing: 'dollar-neutral' });
    expect(r.orders.slice(0, 2)).toEqual(['@4 sell 185 AAA', '@4 buy 416 BBB']);
  });

  it('skips a bar where one leg has none, for the spread too', () => {
    // Without B's bar 4, bar 4 is skipped: the spreads are 0, 0 (bars 2, 3), then 1.5 at bar 5:
    // z = +sqrt(2) there, so the short entry moves to bar 5 (A 25.5: cost 25.5 + 24 = 49.5, sell
    // floor(10,000 / 49.5) = 202 A, buy floor(10,000 x 24 / 49.5 / 12) = 404 B).
    const b = flat('BBB', B);
    const gap = BarSeries.fromBars(
      'BBB',
      [...Array(11).keys()].filter((i) => i !== 4).map((i) => b.at(i)),
    );
    const r = pairs('pairs-mean-reversion', BASE, [flat('AAA', A), gap]);
    expect(r.orders.slice(0, 2)).toEqual(['@5 sell 202 AAA', '@5 buy 404 BBB']);
  });
});

describe('pairs-momentum', () => {
  it('follows the spread: long above +entry, short below -entry, flat inside the exit band', () => {
    // The same z-scores as above, the other way: long at bar 4 (buy 196 A, sell 392 B), flat at 5,
    // short at 7 (sell 215 A, buy 430 B), long at 9 (equity 10,000 + 215 x (22.5 - 24) = 9,677.5:
    // A to floor(4,838.75 / 24) = 201, buy 416; B to -floor(4,838.75 / 12) = -403, sell 833).
    const r = pairs('pairs-momentum', { ...BASE, momentum: 0 });
    expect(r.orders).toEqual([
      '@4 sell 392 BBB',
      '@4 buy 196 AAA',
      '@5 sell 196 AAA',
      '@5 buy 392 BBB',
      '@7 sell 215 AAA',
      '@7 buy 430 BBB',
      '@9 sell 833 BBB',
      '@9 buy 416 AAA',
    ]);
  });

  it("enters only in the direction of the pair's relative momentum", () => {
    // momentum 4: mom = A / A(4 bars back) - B / B(4 bars back). Bar 4: 27 / 20 - 12 / 10 = +0.15,
    // long allowed. Bar 7: 22.5 / 24 - 12 / 12 = -0.0625, short allowed. Bar 9: 24 / 25.5 - 1 =
    // -0.059 < 0: the long is refused and the short is held (|z| is not under exit).
    const r = pairs('pairs-momentum', { ...BASE, momentum: 4 });
    expect(r.orders).toHaveLength(6);
    expect(r.orders.slice(4)).toEqual(['@7 sell 215 AAA', '@7 buy 430 BBB']);
    expect(r.rec.signals.at(-1)?.meta.mom).toBeCloseTo(22.5 / 24 - 1, 12);
  });
});

describe('pairs parameters', () => {
  const bad = (def: typeof pairsMomentum | typeof pairsMeanReversion, raw: Record<string, unknown>): ConfigError => {
    try {
      validateParams(def, raw);
    } catch (e) {
      return e as ConfigError;
    }
    throw new Error('expected an error');
  };

  it('rejects bad values with CONFIG_INVALID_VALUE naming the parameter', () => {
    const exit = bad(pairsMeanReversion, { pair: ['A', 'B'], entry: 1, exit: 1 });
    expect(exit.code).toBe('CONFIG_INVALID_VALUE');
    expect(exit.message).toContain('parameter exit');
    expect(exit.message).toContain('exit (1) must be less than entry (1)');
    expect(bad(pairsMeanReversion, {}).context.key).toBe('params.pair');
    expect(bad(pairsMeanReversion, { pair: ['ORCL', 'orcl'] }).message).toContain('the two symbols are the same');
    expect(bad(pairsMomentum, { pair: ['A', 'B'], hedgeMode: 'kalman' }).hint).toContain('rolling');
    expect(bad(pairsMeanReversion, { pair: ['A', 'B'], momentum: 20 }).code).toBe('CONFIG_UNKNOWN_KEY');
  });

  it('reads the pair as a list or as A,B text, upper-cased, with seed 001 defaults', () => {
    expect(validateParams(pairsMomentum, { pair: 'orcl, nvda' })).toMatchObject({
      pair: ['ORCL', 'NVDA'],
      window: 60,
      zWindow: 60,
      momentum: 60,
      hedgeMode: 'rolling',
      entry: 2,
      exit: 0.5,
    });
  });

  it('describes the pair as a required [string, string] for strategies show', () => {
    const pair = describeParams(pairsMomentum).find((p) => p.name === 'pair');
    expect(pair).toMatchObject({ type: '[string, string]', required: true });
    expect(describeParams(pairsMomentum).find((p) => p.name === 'momentum')).toMatchObject({ type: 'integer >= 0', default: 60 }); // prettier-ignore
  });

  it('names the pair when a symbol is not in the run', () => {
    expect(() => pairs('pairs-mean-reversion', { ...BASE, pair: ['AAA', 'ZZZ'] })).toThrow(
      'ZZZ of pair AAA/ZZZ is not a symbol of the run',
    );
  });
});
