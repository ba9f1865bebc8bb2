import { describe, expect, it } from 'vitest';
import { normCdf } from '../../../src/analytics/stats/normal.js';
import {
  minTrackRecordLength,
  probabilisticSharpe,
  sharpeStandardError,
  sharpeVarianceFactor,
} from '../../../src/analytics/stats/psr.js';
import { estimateSharpe } from '../../../src/analytics/stats/sharpe-estimate.js';

// Φ⁻¹(0.95) and Φ⁻¹(0.99) from scipy.stats.norm.ppf.
const Z95 = 1.6448536269514722;
const Z99 = 2.3263478740408408;

describe('probabilistic Sharpe ratio (Bailey & López de Prado 2012)', () => {
  it('follows the paper formula with skewness and non-excess kurtosis', () => {
    // SR 0.1 per period over 101 returns, skew -0.5, kurtosis 4:
    // z = 0.1 * sqrt(100) / sqrt(1 + 0.5*0.1 + (3/4)*0.01) = 1 / sqrt(1.0575)
    expect(probabilisticSharpe(0.1, 101, -0.5, 4)).toBeCloseTo(normCdf(1 / Math.sqrt(1.0575)), 15);
    // normal returns (skew 0, kurtosis 3), against SR* = 0.05: z = 0.05 * sqrt(100) / sqrt(1 + 0.005)
    expect(probabilisticSharpe(0.1, 101, 0, 3, 0.05)).toBeCloseTo(normCdf(0.5 / Math.sqrt(1.005)), 15);
  });

  it('has the standard error of Lo (2002) / Mertens (2002): sqrt((1 + SR²/2) / (n - 1)) for normal returns', () => {
    expect(sharpeVarianceFactor(0.2, 0, 3)).toBeCloseTo(1 + 0.2 ** 2 / 2, 15);
    expect(sharpeStandardError(0.2, 251, 0, 3)).toBeCloseTo(Math.sqrt(1.02 / 250), 15);
  });

  it('is lower for negative skewness and fat tails, the same Sharpe ratio and length', () => {
    const normal = probabilisticSharpe(0.08, 250, 0, 3);
    expect(probabilisticSharpe(0.08, 250, -2, 3)).toBeLessThan(normal);
    expect(probabilisticSharpe(0.08, 250, 0, 12)).toBeLessThan(normal);
    expect(probabilisticSharpe(0.08, 250, 1, 3)).toBeGreaterThan(normal);
  });

  it('is 0.5 when the Sharpe ratio equals the benchmark, and NaN when undefined', () => {
    expect(probabilisticSharpe(0.1, 50, -1, 6, 0.1)).toBe(0.5);
    expect(probabilisticSharpe(0.1, 1, 0, 3)).toBeNaN();
    expect(probabilisticSharpe(NaN, 100, 0, 3)).toBeNaN();
    // variance factor 1 - 5 * 0.5 + 0 < 0
    expect(probabilisticSharpe(0.5, 100, 5, 1)).toBeNaN();
  });
});

describe('minimum track record length (Bailey & López de Prado 2012)', () => {
  it('follows the paper formula', () => {
    // SR 0.1, normal: 1 + (1 + 0.1²/2) * (Φ⁻¹(0.95) / 0.1)²
    expect(minTrackRecordLength(0.1, 0, 3)).toBeCloseTo(1 + 1.005 * (Z95 / 0.1) ** 2, 9);
    // SR 0.15 vs SR* 0.05, skew -1, kurtosis 7, p = 0.99: factor 1 + 0.15 + 1.5 * 0.0225 = 1.18375
    expect(minTrackRecordLength(0.15, -1, 7, 0.05, 0.99)).toBeCloseTo(1 + 1.18375 * (Z99 / 0.1) ** 2, 9);
  });

  it('is the length at which PSR reaches the probability', () => {
    for (const [sr, skew, kurt, bench, p] of [
      [0.1, 0, 3, 0, 0.95],
      [0.05, -1.5, 9, 0.01, 0.9],
      [0.3, 0.4, 4, 0.1, 0.99],
    ] as const) {
      const n = minTrackRecordLength(sr, skew, kurt, bench, p);
      expect(probabilisticSharpe(sr, n, skew, kurt, bench)).toBeCloseTo(p, 12);
    }
  });

  it('needs longer records for negative skew and fat tails', () => {
    expect(minTrackRecordLength(0.1, -2, 10)).toBeGreaterThan(minTrackRecordLength(0.1, 0, 3));
  });

  it('is infinite when the Sharpe ratio does not beat the benchmark, NaN for a bad probability', () => {
    expect(minTrackRecordLength(0.05, 0, 3, 0.05)).toBe(Infinity);
    expect(minTrackRecordLength(-0.1, 0, 3)).toBe(Infinity);
    expect(minTrackRecordLength(0.1, 0, 3, 0, 1)).toBeNaN();
    expect(minTrackRecordLength(0.1, 0, 3, 0, 0)).toBeNaN();
  });
});

describe('estimateSharpe', () => {
  it('takes the per-period Sharpe ratio with ddof = 1 and population moments', () => {
    // returns 0.1, -0.1, 0.1, 0: mean 0.025, sample variance 0.0275 / 3 (return-stats.test.ts)
    const e = estimateSharpe([0.1, -0.1, 0.1, 0]);
    expect(e.sharpe).toBeCloseTo(0.025 / Math.sqrt(0.0275 / 3), 14);
    expect(e.observations).toBe(4);
    const m2 = 0.0275 / 4;
    expect(e.kurtosis).toBeCloseTo((2 * 0.075 ** 4 + 0.125 ** 4 + 0.025 ** 4) / 4 / m2 ** 2, 12);
    // risk-free 0.005 per period: mean excess 0.02
    expect(estimateSharpe([0.1, -0.1, 0.1, 0], 0.005).sharpe).toBeCloseTo(0.02 / Math.sqrt(0.0275 / 3), 14);
  });

  it('gives NaN for constant returns and for a single return', () => {
    const c = estimateSharpe([0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001]);
    expect(c.std).toBe(0);
    expect(c.sharpe).toBeNaN();
    expect(c.skew).toBeNaN();
    expect(estimateSharpe([0.02]).sharpe).toBeNaN();
  });
});
