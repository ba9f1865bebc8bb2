import { describe, expect, it } from 'vitest';
import { sma } from '../../../src/analytics/indicators/sma.js';
import { Stddev, stddev, stddevDef } from '../../../src/analytics/indicators/stddev.js';
import { Zscore, zscore, zscoreDef } from '../../../src/analytics/indicators/zscore.js';
import { expectIndicatorContract, orclColumns } from '../../contracts/indicator.contract.js';

/** Two-pass population standard deviation of each window. */
function naiveStd(x: ArrayLike<number>, n: number): number[] {
  return Array.from({ length: x.length }, (_, t) => {
    if (t < n - 1) return Number.NaN;
    let m = 0;
    for (let i = t - n + 1; i <= t; i++) m += x[i] as number;
    m /= n;
    let ss = 0;
    for (let i = t - n + 1; i <= t; i++) ss += ((x[i] as number) - m) ** 2;
    return Math.sqrt(ss / n);
  });
}

describe('STDDEV', () => {
  it('is the population standard deviation times nbdev (hand-computed)', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum 32, population variance 4.
    const x = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(stddev(x, 8)[7]).toBeCloseTo(2, 13);
    expect(stddev(x, 8, 2)[7]).toBeCloseTo(4, 13);
    // period 2 over 1, 3: deviations +-1 -> 1 (population, not the sample sqrt(2)).
    expect(stddev([1, 3], 2)[1]).toBeCloseTo(1, 14);
  });

  it('is exactly 0 on a flat window (variance under TA-Lib epsilon)', () => {
    expect([...stddev([0.1, 0.1, 0.1, 0.1], 3)].slice(2)).toEqual([0, 0]);
  });

  it('matches a two-pass computation on ORCL closes (variance within 1e-12 of mean(x^2))', () => {
    // TA-Lib's one-pass mean(x^2) - mean(x)^2 carries ~1e-13 * x^2 of rounding: a flat window can
    // read ~1e-7 instead of 0 at these price levels, so the bound is on the variance's scale.
    const { close } = orclColumns();
    for (const n of [2, 20, 60]) {
      const got = stddev(close, n);
      naiveStd(close, n).forEach((v, t) => {
        if (Number.isNaN(v)) return expect(got[t]).toBeNaN();
        const meanSq = (close[t] as number) ** 2;
        expect(Math.abs((got[t] as number) ** 2 - v * v)).toBeLessThanOrEqual(1e-12 * meanSq);
      });
    }
  });

  it('exposes the window mean, equal to the SMA', () => {
    const s = new Stddev(3);
    expect(s.mean).toBeNaN();
    [1, 2, 6].forEach((x) => s.update(x));
    expect(s.mean).toBe(3);
    expect(s.variance).toBeCloseTo(14 / 3, 13);
  });

  it('rejects a period below 2 and a non-finite nbdev', () => {
    expect(() => new Stddev(1)).toThrow(/stddev period/);
    expect(() => new Stddev(5, Number.NaN)).toThrow(/nbdev/);
  });

  it('meets the indicator contract (20, 1)', () => expectIndicatorContract(stddevDef));
  it('meets the indicator contract (10, 2)', () => expectIndicatorContract(stddevDef, [10, 2]));
});

describe('ZSCORE', () => {
  it('is (x - mean) / population std of the window including x (hand-computed)', () => {
    // window 1, 2, 3: mean 2, variance 2/3 -> z(3) = 1 / sqrt(2/3).
    const z = zscore([1, 2, 3, 0], 3);
    expect(z[1]).toBeNaN();
    expect(z[2]).toBeCloseTo(1 / Math.sqrt(2 / 3), 13);
    // window 2, 3, 0: mean 5/3, variance (1/9 + 16/9 + 25/9)/3 = 14/9 -> z(0) = -(5/3) / sqrt(14/9).
    expect(z[3]).toBeCloseTo(-5 / 3 / Math.sqrt(14 / 9), 13);
  });

  it('is 0 on a zero-variance window (defined, not NaN)', () => {
    expect([...zscore([3, 3, 3, 3, 3], 3)].slice(2)).toEqual([0, 0, 0]);
    expect([...zscore([0.1, 0.1, 0.1], 3)].slice(2)).toEqual([0]);
    expect([...zscore([0, 0, 0], 2)].slice(1)).toEqual([0, 0]);
  });

  it('times STDDEV gives x - SMA on ORCL closes', () => {
    const { close } = orclColumns();
    const z = zscore(close, 20);
    const sd = stddev(close, 20);
    const mean = sma(close, 20);
    for (let t = 19; t < close.length; t++) {
      const dev = (close[t] as number) - (mean[t] as number);
      expect(Math.abs((z[t] as number) * (sd[t] as number) - dev)).toBeLessThan(1e-9);
    }
  });

  it('gives NaN for a NaN input', () => {
    const z = new Zscore(2);
    z.update(1);
    expect(z.update(Number.NaN)).toBeNaN();
  });

  it('rejects a period below 2', () => expect(() => new Zscore(1)).toThrow(/zscore period/));
  it('meets the indicator contract (default period 20)', () => expectIndicatorContract(zscoreDef));
  it('meets the indicator contract (period 5)', () => expectIndicatorContract(zscoreDef, [5]));
});
