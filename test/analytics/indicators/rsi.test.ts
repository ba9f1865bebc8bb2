import { describe, expect, it } from 'vitest';
import { Rsi, rsi, rsiDef } from '../../../src/analytics/indicators/rsi.js';
import { expectIndicatorContract } from '../../contracts/indicator.contract.js';

function expectSeries(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    if (Number.isNaN(e)) expect(actual[i], `index ${i}`).toBeNaN();
    else expect(actual[i], `index ${i}`).toBeCloseTo(e, 9);
  });
}

describe('RSI', () => {
  it('seeds with the mean of the first period changes, then smooths the Wilder way (hand-computed)', () => {
    // Wilder 1978, period 3. Changes: +1, -0.5, +1, +0.5, -1.
    // Seed: gain 2/3, loss 1/6 -> 100 * (2/3) / (5/6) = 80.
    // +0.5: gain (2/3*2 + 0.5)/3 = 11/18, loss (1/6*2)/3 = 2/18 -> 100 * 11/13.
    // -1:   gain (11/18*2)/3 = 11/27, loss (2/18*2 + 1)/3 = 11/27 -> 50.
    expectSeries(rsi([10, 11, 10.5, 11.5, 12, 11], 3), [NaN, NaN, NaN, 80, 1100 / 13, 50]);
  });

  it('needs period + 1 closes (TA-Lib lookback = period)', () => {
    const r = new Rsi(3);
    expect(r.warmup).toBe(4);
    for (const x of [10, 11, 10.5]) expect(r.update(x)).toBeNaN();
    expect(r.isReady).toBe(false);
    expect(r.update(11.5)).toBeCloseTo(80, 12);
    expect(r.isReady).toBe(true);
  });

  it('reads 100 on a rising series and 0 on a falling one', () => {
    expectSeries(rsi([1, 2, 3, 4, 5], 2).subarray(2), [100, 100, 100]);
    expectSeries(rsi([5, 4, 3, 2, 1], 2).subarray(2), [0, 0, 0]);
  });

  it('reads 0 (not 50) on a flat series, as TA-Lib does when gain + loss is zero', () => {
    expectSeries(rsi(new Array(20).fill(42), 14).subarray(14), new Array(6).fill(0));
  });

  it('treats a smoothed gain + loss below 1e-8 as zero (TA-Lib TA_IS_ZERO)', () => {
    const tiny = Array.from({ length: 6 }, (_, i) => 1 + i * 1e-10);
    expectSeries(rsi(tiny, 2).subarray(2), [0, 0, 0, 0]);
    const small = Array.from({ length: 6 }, (_, i) => 1 + i * 1e-6);
    expectSeries(rsi(small, 2).subarray(2), [100, 100, 100, 100]);
  });

  it('does not skip a missing close: NaN poisons the Wilder averages from then on', () => {
    const out = rsi([10, 11, 10.5, 11.5, NaN, 12, 11, 13], 3);
    expect(out[3]).toBeCloseTo(80, 12);
    for (let i = 4; i < out.length; i++) expect(out[i], `index ${i}`).toBeNaN();
  });

  it('rejects a period below 2 (TA-Lib minimum)', () => {
    expect(() => new Rsi(1)).toThrow(/rsi period must be a whole number >= 2/);
    expect(() => new Rsi(2.5)).toThrow(RangeError);
  });

  it('meets the indicator contract with defaults', () => expectIndicatorContract(rsiDef));
  it('meets the indicator contract with period 5', () => expectIndicatorContract(rsiDef, [5]));
});
