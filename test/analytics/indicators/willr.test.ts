import { describe, expect, it } from 'vitest';
import { WillR, willr, willrDef } from '../../../src/analytics/indicators/willr.js';
import { expectIndicatorContract } from '../../contracts/indicator.contract.js';

function expectSeries(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    if (Number.isNaN(e)) expect(actual[i], `index ${i}`).toBeNaN();
    else expect(actual[i], `index ${i}`).toBeCloseTo(e, 9);
  });
}

describe('WILLR', () => {
  it('is -100 * (HH - close) / (HH - LL) over the period (hand-computed, Williams)', () => {
    // period 3: i=2 HH 12 LL 8 C 11 -> -25; i=3 HH 13 LL 9 C 12 -> -25;
    // i=4 HH 13 LL 9 C 10 -> -75; i=5 HH 13 LL 8 C 9 -> -80.
    const bars = { high: [10, 11, 12, 13, 12, 11], low: [8, 9, 9, 10, 10, 8], close: [9, 10, 11, 12, 10, 9] };
    expectSeries(willr(bars, 3), [NaN, NaN, -25, -25, -75, -80]);
    expect(new WillR(3).warmup).toBe(3);
  });

  it('spans -100 (close at the low) to 0 (close at the high)', () => {
    const bars = { high: [10, 10, 10], low: [5, 5, 5], close: [7, 5, 10] };
    expectSeries(willr(bars, 2), [NaN, -100, 0]);
  });

  it('reads 0 over zero-range bars, as TA-Lib does', () => {
    const flat = new Array(16).fill(3);
    expectSeries(willr({ high: flat, low: flat, close: flat }).subarray(13), [0, 0, 0]);
  });

  it('reads NaN while a bar with a missing high is in the window', () => {
    const out = willr({ high: [10, NaN, 12, 13, 12], low: [8, 9, 9, 10, 10], close: [9, 10, 11, 12, 10] }, 2);
    expectSeries(out, [NaN, NaN, NaN, -25, -100]);
  });

  it('rejects a period below 2 (TA-Lib minimum)', () => {
    expect(() => new WillR(1)).toThrow(/willr period must be a whole number >= 2/);
  });

  it('meets the indicator contract with defaults', () => expectIndicatorContract(willrDef));
  it('meets the indicator contract with period 7', () => expectIndicatorContract(willrDef, [7]));
});
