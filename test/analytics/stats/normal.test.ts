import { describe, expect, it } from 'vitest';
import { normCdf, normInv } from '../../../src/analytics/stats/normal.js';

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
