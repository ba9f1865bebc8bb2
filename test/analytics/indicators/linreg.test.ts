import { describe, expect, it } from 'vitest';
import { Linreg, linreg, linregDef } from '../../../src/analytics/indicators/linreg.js';
import { expectIndicatorContract, orclColumns } from '../../contracts/indicator.contract.js';

/** Centered two-pass least squares of each window against x = 0..n-1 (x = 0 the oldest). */
function naiveFit(y: ArrayLike<number>, n: number, t: number): { slope: number; intercept: number; r2: number } {
  const xbar = (n - 1) / 2;
  let ybar = 0;
  for (let j = 0; j < n; j++) ybar += y[t - n + 1 + j] as number;
  ybar /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let j = 0; j < n; j++) {
    const dy = (y[t - n + 1 + j] as number) - ybar;
    sxy += (j - xbar) * dy;
    sxx += (j - xbar) ** 2;
    syy += dy * dy;
  }
  const slope = sxy / sxx;
  return { slope, intercept: ybar - slope * xbar, r2: syy === 0 ? 0 : (sxy * sxy) / (sxx * syy) };
}

describe('LINREG', () => {
  it('fits y against x = 0..n-1 with the intercept at the oldest point (hand-computed)', () => {
    // y = 1, 3, 2: xbar 1, ybar 2, Sxy = (-1)(-1) + 0 + (1)(0) = 1, Sxx = 2, Syy = 2.
    // slope 1/2, intercept 2 - 1/2 = 1.5 (value at x = 0), R^2 = 1 / (2 * 2) = 1/4.
    const r = linreg([1, 3, 2], 3);
    expect(r.slope[1]).toBeNaN();
    expect(r.slope[2]).toBeCloseTo(0.5, 14);
    expect(r.intercept[2]).toBeCloseTo(1.5, 14);
    expect(r.r2[2]).toBeCloseTo(0.25, 14);
  });

  it('recovers a straight line: slope per bar, intercept = the window first value, R^2 = 1', () => {
    const y = Array.from({ length: 40 }, (_, t) => 5 + 2 * t);
    const r = linreg(y, 10);
    for (let t = 9; t < 40; t++) {
      expect(r.slope[t]).toBeCloseTo(2, 10);
      expect(r.intercept[t]).toBeCloseTo(y[t - 9] as number, 9);
      expect(r.r2[t]).toBeCloseTo(1, 12);
    }
  });

  it('on a flat window has slope 0, intercept the level and R^2 0 (no variance to explain)', () => {
    const r = linreg([4.2, 4.2, 4.2, 4.2, 4.2], 4);
    expect(Math.abs(r.slope[4] as number)).toBeLessThan(1e-14);
    expect(r.intercept[4]).toBeCloseTo(4.2, 13);
    expect([...r.r2].slice(3)).toEqual([0, 0]);
  });

  it('matches a two-pass fit on ORCL closes', () => {
    const { close } = orclColumns();
    for (const n of [2, 14, 30]) {
      const r = linreg(close, n);
      for (let t = n - 1; t < close.length; t++) {
        const want = naiveFit(close, n, t);
        const scale = Math.abs(close[t] as number);
        // The slope is a difference of two ~n^3 * level sums: its error scales with the price level.
        expect(Math.abs((r.slope[t] as number) - want.slope)).toBeLessThan(1e-12 * scale);
        expect(Math.abs((r.intercept[t] as number) - want.intercept)).toBeLessThan(1e-11 * scale);
        expect(Math.abs((r.r2[t] as number) - want.r2)).toBeLessThan(1e-9);
      }
    }
  });

  it('does not drift over a long series whose level moves by orders of magnitude', () => {
    const y = Array.from({ length: 20000 }, (_, t) => (t < 10000 ? 1e6 + Math.sin(t) * 1e4 : 1 + Math.sin(t) * 0.1));
    const r = linreg(y, 20);
    for (const t of [10100, 15000, 19999]) {
      const want = naiveFit(y, 20, t);
      expect(Math.abs((r.slope[t] as number) - want.slope)).toBeLessThan(1e-12);
      expect(Math.abs((r.intercept[t] as number) - want.intercept)).toBeLessThan(1e-11);
    }
  });

  it('is NaN while a NaN input is in the window and recovers once it has left', () => {
    const y = [1, 2, 3, NaN, 5, 6, 7, 8, 9, 10];
    const r = linreg(y, 3);
    for (const t of [3, 4, 5]) expect(r.slope[t]).toBeNaN();
    for (let t = 6; t < y.length; t++) {
      expect(r.slope[t]).toBeCloseTo(1, 12);
      expect(r.r2[t]).toBeCloseTo(1, 12);
    }
  });

  it('rejects a period below 2', () => expect(() => new Linreg(1)).toThrow(/linreg period/));
  it('meets the indicator contract (default period 14)', () => expectIndicatorContract(linregDef));
  it('meets the indicator contract (period 20)', () => expectIndicatorContract(linregDef, [20]));
});
