import { describe, expect, it } from 'vitest';
import { Cci, cci, cciDef } from '../../../src/analytics/indicators/cci.js';
import { expectIndicatorContract } from '../../contracts/indicator.contract.js';

function expectSeries(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    if (Number.isNaN(e)) expect(actual[i], `index ${i}`).toBeNaN();
    else expect(actual[i], `index ${i}`).toBeCloseTo(e, 9);
  });
}

/** Bars whose typical price (H + L + C) / 3 is exactly `tp`. */
function barsWithTypicalPrice(tps: readonly number[]) {
  return { high: tps.map((t) => t + 1), low: tps.map((t) => t - 1), close: [...tps] };
}

describe('CCI', () => {
  it('divides the distance from the mean by 0.015 times the mean deviation (hand-computed, Lambert)', () => {
    // period 3, TP 10, 12, 11, 14, 8.
    // i=2: mean 11, TP 11 -> 0.
    // i=3: window 12, 11, 14: mean 37/3, deviations 1/3 + 4/3 + 5/3 -> MD 10/9; (14 - 37/3) / (0.015 * 10/9) = 100.
    // i=4: window 11, 14, 8: mean 11, MD 2; (8 - 11) / 0.03 = -100.
    expectSeries(cci(barsWithTypicalPrice([10, 12, 11, 14, 8]), 3), [NaN, NaN, 0, 100, -100]);
    expect(new Cci(3).warmup).toBe(3);
  });

  it('reads 0 over a flat series whose mean is exact', () => {
    const flat = new Array(20).fill(42);
    expectSeries(cci({ high: flat, low: flat, close: flat }).subarray(13), new Array(7).fill(0));
  });

  it('keeps TA-Lib 0.4-0.6 exact zero test: rounding residue on a flat 101.37 series gives 66.67', () => {
    // Summing fourteen 101.37 and dividing by 14 does not give back 101.37 exactly; TA-Lib's
    // released CCI divides that residue by the (equally tiny) mean deviation. Kept for parity.
    const flat = new Array(16).fill(101.37);
    expectSeries(cci({ high: flat, low: flat, close: flat }).subarray(13), [200 / 3, 200 / 3, 200 / 3]);
  });

  it('rejects a period below 2 (TA-Lib minimum)', () => {
    expect(() => new Cci(1)).toThrow(/cci period must be a whole number >= 2/);
  });

  it('meets the indicator contract with defaults', () => expectIndicatorContract(cciDef));
  it('meets the indicator contract with period 20', () => expectIndicatorContract(cciDef, [20]));
});
