import { describe, expect, it } from 'vitest';
import { Mfi, mfi, mfiDef } from '../../../src/analytics/indicators/mfi.js';
import { expectIndicatorContract } from '../../contracts/indicator.contract.js';

function expectSeries(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    if (Number.isNaN(e)) expect(actual[i], `index ${i}`).toBeNaN();
    else expect(actual[i], `index ${i}`).toBeCloseTo(e, 9);
  });
}

/** Bars whose typical price (H + L + C) / 3 is exactly `tp`. */
function bars(tps: readonly number[], volume: readonly number[]) {
  return { high: tps.map((t) => t + 1), low: tps.map((t) => t - 1), close: [...tps], volume: [...volume] };
}

describe('MFI', () => {
  it('is 100 * positive flow / total flow over the period (hand-computed, Quong and Soudack)', () => {
    // period 2, TP 10, 11, 10, 12, volume 100..400.
    // i=1 up: +11*200 = 2200; i=2 down: -10*300 = 3000 -> 100 * 2200 / 5200.
    // i=3 up: +12*400 = 4800 and i=1 leaves -> 100 * 4800 / (4800 + 3000).
    expectSeries(mfi(bars([10, 11, 10, 12], [100, 200, 300, 400]), 2), [NaN, NaN, 220000 / 5200, 480000 / 7800]);
    expect(new Mfi(2).warmup).toBe(3);
  });

  it('ignores bars whose typical price is unchanged', () => {
    // i=2 is unchanged: the window at i=3 holds only i=2 (nothing) and i=3 (up) -> 100.
    expectSeries(mfi(bars([10, 11, 11, 12], [100, 200, 300, 400]), 2), [NaN, NaN, 100, 100]);
  });

  it('reads 100 on rising, 0 on falling and 0 on flat prices', () => {
    const v = new Array(6).fill(1000);
    expectSeries(mfi(bars([1, 2, 3, 4, 5, 6], v), 3).subarray(3), [100, 100, 100]);
    expectSeries(mfi(bars([6, 5, 4, 3, 2, 1], v), 3).subarray(3), [0, 0, 0]);
    expectSeries(mfi(bars([4, 4, 4, 4, 4, 4], v), 3).subarray(3), [0, 0, 0]);
  });

  it('reads 0 when the total money flow is below 1, as TA-Lib does', () => {
    // Flows 0.2 + 0.3 = 0.5 < 1 -> 0 although every move is up; with volume 10 the total is 5 -> 100.
    const tiny = { high: [0.1, 0.2, 0.3], low: [0.1, 0.2, 0.3], close: [0.1, 0.2, 0.3] };
    expectSeries(mfi({ ...tiny, volume: [1, 1, 1] }, 2), [NaN, NaN, 0]);
    expectSeries(mfi({ ...tiny, volume: [10, 10, 10] }, 2), [NaN, NaN, 100]);
    expectSeries(mfi(bars([1, 2, 3], [0, 0, 0]), 2), [NaN, NaN, 0]);
  });

  it('rejects a period below 2 (TA-Lib minimum)', () => {
    expect(() => new Mfi(1)).toThrow(/mfi period must be a whole number >= 2/);
  });

  it('meets the indicator contract with defaults', () => expectIndicatorContract(mfiDef));
  it('meets the indicator contract with period 5', () => expectIndicatorContract(mfiDef, [5]));
});
