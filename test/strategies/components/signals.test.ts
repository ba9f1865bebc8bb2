/** Signal components on hand-made feature rows: each expected output is derived in the comments. */
import { describe, expect, it } from 'vitest';
import {
  breakout,
  confirmByVolume,
  crossover,
  meanReversion,
  momentum,
  threshold,
} from '../../../src/strategies/components/signals.js';
import type { BarState, FeatureRow, SignalComponent } from '../../../src/strategies/components/types.js';

/** Feeds rows of named values (current bar) through a signal; `prev` is the previous row. */
function drive(signal: SignalComponent, names: readonly string[], rows: readonly (readonly number[])[]): number[] {
  const col = (n: string): number => {
    const i = names.indexOf(n);
    if (i < 0) throw new Error(`unknown feature ${n}`);
    return i;
  };
  const fn = signal.create(col);
  let prev = new Float64Array(names.length).fill(NaN);
  return rows.map((r) => {
    const cur = Float64Array.from(r);
    const row: FeatureRow = { cur, prev };
    const out = fn(row, {} as BarState);
    prev = cur;
    return out;
  });
}

describe('crossover', () => {
  it('fires only on the bar where fast - slow changes sign; the first ready bar only sets the sign', () => {
    // d = fast - slow: NaN, -1, -1, +1 (up), +2, 0 (tie keeps +), -1 (down), -1
    const out = drive(crossover('fast', 'slow'), ['fast', 'slow'], [
      [NaN, 10], [9, 10], [9, 10], [11, 10], [12, 10], [10, 10], [9, 10], [9, 10],
    ]); // prettier-ignore
    expect(out).toEqual([NaN, NaN, NaN, 1, NaN, NaN, -1, NaN]);
  });

  it('with pullback, the cross closes the other side at once and enters on the first touch of fast', () => {
    // names: fast, slow, low, high. Up-cross at bar 2 (low 11.5 > fast 11: no touch -> 0, flat);
    // bar 3 low 11.8 > fast 11.5: nothing; bar 4 low 11.9 <= fast 12: enter long (1);
    // bar 5 down-cross, high 9.5 < fast 9.8 would be no touch: 0 (flat).
    const out = drive(crossover('fast', 'slow', { pullback: true }), ['fast', 'slow', 'low', 'high'], [
      [9, 10, 8, 9.5], [9.5, 10, 9, 10], [11, 10, 11.5, 12], [11.5, 10.5, 11.8, 12.5], [12, 11, 11.9, 13], [9.8, 10, 9, 9.5],
    ]); // prettier-ignore
    expect(out).toEqual([NaN, NaN, 0, NaN, 1, 0]);
  });
});

describe('threshold, momentum and meanReversion', () => {
  it('threshold: long above, short below, flat back inside the exit band, else no opinion', () => {
    const out = drive(
      threshold('x', { above: 1, below: -1, exitInside: [-0.2, 0.2] }),
      ['x'],
      [[0.5], [1.5], [0.1], [-3], [NaN]],
    );
    expect(out).toEqual([NaN, 1, 0, -1, NaN]);
  });

  it('momentum: the sign of the past return beyond the threshold', () => {
    expect(drive(momentum('r', 0.02), ['r'], [[0.05], [0.01], [-0.03], [NaN]])).toEqual([1, 0, -1, NaN]);
  });

  it('meanReversion: enters beyond +-entry with the oscillator confirming, exits inside +-exit', () => {
    // z, rsi: -2.5 with RSI 25 -> long; -1 -> hold (NaN); -0.3 -> |z| < 0.5 -> flat;
    // 2.2 with RSI 65 (not > 70) -> no short; 2.2 with RSI 75 -> short.
    const out = drive(meanReversion('z', { entry: 2, exit: 0.5, confirm: 'rsi' }), ['z', 'rsi'], [
      [-2.5, 25], [-1, 40], [-0.3, 50], [2.2, 65], [2.2, 75],
    ]); // prettier-ignore
    expect(out).toEqual([1, NaN, 0, NaN, -1]);
  });

  it('meanReversion with exit 0 exits when z crosses back through its mean', () => {
    expect(drive(meanReversion('z', { entry: 2, exit: 0 }), ['z'], [[-2.1], [-0.4], [0.1], [0.5]])).toEqual([
      1,
      NaN,
      0,
      NaN,
    ]);
  });
});

describe('breakout', () => {
  it('compares the close with the previous bar channel and exits on the exit channel', () => {
    // names: up, dn, xdn, close (close is the breakout feature's own). Bar 1: close 11 > prev up 10 -> 1;
    // bar 2: close 10.5 inside -> NaN; bar 3: close 9.4 < prev exit-low 9.5 -> 0.
    const out = drive(breakout('up', 'dn', { exitLower: 'xdn' }), ['up', 'dn', 'xdn', 'close'], [
      [10, 8, 9, 9.5], [11, 8, 9.5, 11], [11, 8.5, 9.5, 10.5], [11, 8.5, 9.5, 9.4],
    ]); // prettier-ignore
    expect(out).toEqual([NaN, 1, NaN, 0]);
  });
});

describe('confirmByVolume', () => {
  it('passes entries only on bars with volume >= ratio x average, and exits always', () => {
    const inner = threshold('x', { above: 0, below: -10, exitInside: [-1, -0.5] });
    // x, volume, volume_avg: entry with volume 100 < 1.5 x 100 -> NaN; entry with 160 >= 150 -> 1; exit passes.
    const out = drive(
      confirmByVolume(inner, 1.5, 20),
      ['x', 'volume', 'volume_avg'],
      [
        [1, 100, 100],
        [1, 160, 100],
        [-0.7, 10, 100],
      ],
    );
    expect(out).toEqual([NaN, 1, 0]);
  });
});
