import { describe, expect, it } from 'vitest';
import { Wma, wma, wmaDef } from '../../../src/analytics/indicators/wma.js';
import { expectIndicatorContract, orclColumns } from '../../contracts/indicator.contract.js';

/** Textbook WMA, recomputed per window: sum((j + 1) * x[t - n + 1 + j]) / (n (n + 1) / 2). */
function naiveWma(x: ArrayLike<number>, n: number): number[] {
  return Array.from({ length: x.length }, (_, t) => {
    if (t < n - 1) return Number.NaN;
    let s = 0;
    for (let j = 0; j < n; j++) s += (j + 1) * (x[t - n + 1 + j] as number);
    return s / ((n * (n + 1)) / 2);
  });
}

describe('WMA', () => {
  it('weights the window 1..n, newest heaviest (hand-computed)', () => {
    // period 3: (1*1 + 2*2 + 3*3) / 6 = 14/6, (2 + 6 + 12) / 6 = 20/6, (3 + 8 + 15) / 6 = 26/6
    expect([...wma([1, 2, 3, 4, 5], 3)]).toEqual([NaN, NaN, 14 / 6, 20 / 6, 26 / 6]);
    // period 2 weights the newest twice: (10 + 2*40) / 3 = 30
    expect(wma([10, 40], 2)[1]).toBe(30);
  });

  it('matches a per-window recomputation on ORCL closes (1e-10 relative; running sums drift slightly)', () => {
    const { close } = orclColumns();
    for (const n of [2, 20, 30]) {
      const got = wma(close, n);
      naiveWma(close, n).forEach((v, t) => {
        if (Number.isNaN(v)) expect(got[t]).toBeNaN();
        else expect(Math.abs((got[t] as number) - v)).toBeLessThanOrEqual(1e-10 * Math.abs(v));
      });
    }
  });

  it('returns the constant of a flat series', () => {
    expect([...wma([7, 7, 7, 7, 7], 4)].slice(3)).toEqual([7, 7]);
  });

  it('keeps a NaN input in its running sums until reset, as TA-Lib does', () => {
    const w = new Wma(2);
    [1, Number.NaN, 3, 4, 5].forEach((x) => w.update(x));
    expect(w.value).toBeNaN();
    w.reset();
    [3, 4].forEach((x) => w.update(x));
    expect(w.value).toBeCloseTo(11 / 3, 14);
  });

  it('rejects a period below 2 (TA-Lib range 2..100000)', () => {
    expect(() => new Wma(1)).toThrow(/wma period must be a whole number >= 2/);
  });

  it('meets the indicator contract (default period)', () => expectIndicatorContract(wmaDef));
  it('meets the indicator contract (period 5)', () => expectIndicatorContract(wmaDef, [5]));
});
