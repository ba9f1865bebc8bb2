import { describe, expect, it } from 'vitest';
import { Beta, beta, betaDef } from '../../../src/analytics/indicators/beta.js';
import { Correl, correl, correlDef } from '../../../src/analytics/indicators/correl.js';
import { expectIndicatorContract, orclColumns, secondSeries } from '../../contracts/indicator.contract.js';

/** Two-pass Pearson r of x[s..s+n-1] and y[s..s+n-1]; 0 when either is flat. */
function pearson(x: ArrayLike<number>, y: ArrayLike<number>, s: number, n: number): number {
  let mx = 0;
  let my = 0;
  for (let i = s; i < s + n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = s; i < s + n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** cov(ry, rx) / var(rx) of the one-bar returns over the window of n returns ending at t. */
function returnsBeta(x: ArrayLike<number>, y: ArrayLike<number>, t: number, n: number): number {
  const rx: number[] = [];
  const ry: number[] = [];
  for (let i = t - n + 1; i <= t; i++) {
    rx.push((x[i] as number) / (x[i - 1] as number) - 1);
    ry.push((y[i] as number) / (y[i - 1] as number) - 1);
  }
  const mx = rx.reduce((a, b) => a + b, 0) / n;
  const my = ry.reduce((a, b) => a + b, 0) / n;
  let cov = 0;
  let vx = 0;
  rx.forEach((v, i) => {
    cov += (v - mx) * ((ry[i] as number) - my);
    vx += (v - mx) ** 2;
  });
  return cov / vx;
}

describe('CORREL', () => {
  it('is +1, -1 and 0 (flat) on exact cases (hand-computed)', () => {
    expect(correl([1, 2, 3], [2, 4, 6], 3)[2]).toBeCloseTo(1, 14);
    expect(correl([1, 2, 3], [3, 2, 1], 3)[2]).toBeCloseTo(-1, 14);
    expect(correl([1, 2, 3], [5, 5, 5], 3)[2]).toBe(0);
    // x = 1, 2, 3, 4; y = 1, 3, 2, 4: Sxy = 4, Sxx = Syy = 5 -> r = 0.8.
    expect(correl([1, 2, 3, 4], [1, 3, 2, 4], 4)[3]).toBeCloseTo(0.8, 14);
  });

  it('matches a two-pass Pearson r on ORCL closes (1e-9)', () => {
    const cols = orclColumns();
    const y = secondSeries(cols);
    for (const n of [5, 30]) {
      const r = correl(cols.close, y, n);
      expect(r[n - 2]).toBeNaN();
      for (let t = n - 1; t < y.length; t++)
        expect(Math.abs((r[t] as number) - pearson(cols.close, y, t - n + 1, n))).toBeLessThan(1e-9);
    }
  });

  it('is always 0 with period 1 (TA-Lib allows it)', () => {
    expect([...correl([1, 2, 3], [3, 1, 2], 1)]).toEqual([0, 0, 0]);
  });

  it('rejects a period of zero', () => expect(() => new Correl(0)).toThrow(/correl period/));
  it('meets the indicator contract (default period 30)', () => expectIndicatorContract(correlDef));
  it('meets the indicator contract (period 10)', () => expectIndicatorContract(correlDef, [10]));
});

describe('BETA', () => {
  // Market returns +10%, -10%, +10%, +5%; the stock moves exactly twice as much.
  const market = [100, 110, 99, 108.9, 114.345];
  const stock = [50, 60, 48, 57.6, 63.36];

  it('regresses the returns of y on the returns of x (hand-computed, x = market)', () => {
    const b = beta(market, stock, 3);
    expect(b[2]).toBeNaN();
    expect(b[3]).toBeCloseTo(2, 12);
    expect(b[4]).toBeCloseTo(2, 12);
    // Swapping the inputs regresses the market on the stock: slope 1/2.
    expect(beta(stock, market, 3)[4]).toBeCloseTo(0.5, 12);
    expect(new Beta(5).warmup).toBe(6);
  });

  it('works on returns, not prices: a price offset changes beta', () => {
    // Same price changes, y shifted up by 1000: its returns shrink, so does beta.
    const b = beta(
      market,
      stock.map((p) => p + 1000),
      3,
    )[4] as number;
    expect(b).toBeGreaterThan(0);
    expect(b).toBeLessThan(0.2);
  });

  it('is 0 when x does not move and reads a return after a zero price as 0', () => {
    expect(beta([5, 5, 5, 5], [1, 2, 3, 4], 2)[3]).toBe(0);
    // x = 0, 1, 2: returns 0 (after the 0 price, not Infinity) and 1; y = 1, 2, 6: returns 1 and 2.
    // (n Sxy - Sx Sy) / (n Sxx - Sx^2) = (2*2 - 1*3) / (2*1 - 1) = 1.
    expect(beta([0, 1, 2], [1, 2, 6], 2)[2]).toBe(1);
  });

  it('matches cov/var of one-bar returns on ORCL closes (1e-9)', () => {
    const cols = orclColumns();
    const y = secondSeries(cols);
    for (const n of [5, 20]) {
      const b = beta(cols.close, y, n);
      expect(b[n - 1]).toBeNaN();
      for (let t = n; t < y.length; t++) {
        const want = returnsBeta(cols.close, y, t, n);
        expect(Math.abs((b[t] as number) - want)).toBeLessThan(1e-9 * Math.max(1, Math.abs(want)));
      }
    }
  });

  it('rejects a period of zero', () => expect(() => new Beta(0)).toThrow(/beta period/));
  it('meets the indicator contract (default period 5)', () => expectIndicatorContract(betaDef));
  it('meets the indicator contract (period 20)', () => expectIndicatorContract(betaDef, [20]));
});
