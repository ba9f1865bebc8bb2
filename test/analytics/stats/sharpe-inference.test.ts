import { describe, expect, it } from 'vitest';
import { deflatedSharpe, expectedMaxSharpe } from '../../../src/analytics/stats/dsr.js';
import { normCdf, normInv } from '../../../src/analytics/stats/normal.js';
import { probabilisticSharpe } from '../../../src/analytics/stats/psr.js';

describe('normal distribution', () => {
  // Reference values: scipy.stats.norm.cdf / norm.ppf (double precision).
  it('evaluates the CDF', () => {
    expect(normCdf(0)).toBe(0.5);
    expect(normCdf(1.96)).toBeCloseTo(0.9750021048517795, 15);
    expect(normCdf(-1)).toBeCloseTo(0.15865525393145707, 15);
    expect(normCdf(3)).toBeCloseTo(0.9986501019683699, 15);
    expect(normCdf(-9)).toBe(0);
    expect(normCdf(9)).toBe(1);
  });

  it('inverts the CDF', () => {
    expect(normInv(0.5)).toBeCloseTo(0, 15);
    expect(normInv(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normInv(0.01)).toBeCloseTo(-2.3263478740408408, 12);
    expect(normInv(0.001)).toBeCloseTo(-3.090232306167813, 12);
    expect(normInv(0)).toBe(-Infinity);
    expect(normInv(1.5)).toBeNaN();
    for (const p of [1e-6, 0.02, 0.3, 0.7, 0.98, 1 - 1e-6]) expect(normCdf(normInv(p))).toBeCloseTo(p, 14);
  });
});

describe('probabilistic and deflated Sharpe ratios', () => {
  it('computes PSR by the Bailey & López de Prado (2012) formula', () => {
    // SR 0.1 per period over 101 returns, skew -0.5, kurtosis 4:
    // z = 0.1 * sqrt(100) / sqrt(1 + 0.5*0.1 + (3/4)*0.01) = 1 / sqrt(1.0575)
    expect(probabilisticSharpe(0.1, 101, -0.5, 4)).toBeCloseTo(normCdf(1 / Math.sqrt(1.0575)), 15);
    // normal returns (skew 0, kurtosis 3), against SR* = 0.05: z = 0.05 * sqrt(100) / sqrt(1 + 0.005)
    expect(probabilisticSharpe(0.1, 101, 0, 3, 0.05)).toBeCloseTo(normCdf(0.5 / Math.sqrt(1.005)), 15);
    expect(probabilisticSharpe(0.1, 1, 0, 3)).toBeNaN();
  });

  it('reproduces the numerical example of the DSR paper (Bailey & López de Prado 2014)', () => {
    // 100 trials, annualised SR 2.5 and trial variance 0.5 over 1250 daily returns (250 a year),
    // skew -3, kurtosis 10: the paper reports SR0 = 0.1132 (per day) and DSR = 0.9004.
    const sr = 2.5 / Math.sqrt(250);
    const v = 0.5 / 250;
    expect(expectedMaxSharpe(100, v)).toBeCloseTo(0.1132, 4);
    expect(deflatedSharpe(sr, 1250, -3, 10, 100, v)).toBeCloseTo(0.9004, 4);
  });

  it('equals PSR(0) for a single trial', () => {
    expect(expectedMaxSharpe(1, 0.3)).toBe(0);
    expect(deflatedSharpe(0.08, 500, 0.2, 5, 1, 0)).toBe(probabilisticSharpe(0.08, 500, 0.2, 5));
  });
});
