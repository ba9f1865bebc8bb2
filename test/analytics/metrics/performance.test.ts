import { describe, expect, it } from 'vitest';
import { compound, PERFORMANCE_KEYS, performanceMetrics } from '../../../src/analytics/metrics/performance.js';
import { DAY, d } from '../../backtest/results-fixture.js';

const P = { periodsPerYear: 252 };
const days = (n: number): number[] => Array.from({ length: n }, (_, i) => d('2024-01-01') + i * DAY);

describe('performanceMetrics on a hand-computed series', () => {
  // returns 0.1, -0.1, 0.1, 0 from 1: equity 1.1, 0.99, 1.089, 1.089 (return-stats.test.ts)
  const r = [0.1, -0.1, 0.1, 0];
  const m = performanceMetrics({ returns: r, ts: days(4), benchmark: [NaN, 0.1, -0.1, 0.1] }, P);
  const v = m.values;

  it('compounds the returns from 1', () => {
    expect(Array.from(compound(r))).toEqual([1.1, 1.1 * 0.9, 1.1 * 0.9 * 1.1, 1.1 * 0.9 * 1.1]);
    expect(v.total_return).toBeCloseTo(0.089, 14);
    expect(v.cagr).toBeCloseTo(1.089 ** 63 - 1, 9);
  });

  it('computes the dispersion, drawdown and benchmark metrics', () => {
    const sd = Math.sqrt(0.0275 / 3);
    expect(v.ann_volatility).toBeCloseTo(sd * Math.sqrt(252), 13);
    expect(v.sharpe).toBeCloseTo((0.025 / sd) * Math.sqrt(252), 12);
    expect(v.max_drawdown).toBeCloseTo(-0.1, 14);
    expect(v.max_drawdown_duration_days).toBe(3);
    expect(v.max_drawdown_duration_periods).toBe(3);
    expect(v.beta).toBeCloseTo(-0.75, 13);
    expect(v.tracking_error).toBeCloseTo(Math.sqrt(0.13 / 3) * Math.sqrt(252), 12);
    expect(m.benchmarkPairs).toBe(3);
    expect(m.sharpePerPeriod).toBeCloseTo(0.025 / sd, 14);
    expect(Object.keys(v)).toEqual([...PERFORMANCE_KEYS]);
    expect(m.nullReasons).toEqual({});
  });

  it('says when there are no dates or no benchmark', () => {
    const plain = performanceMetrics({ returns: r }, P);
    expect(plain.values.max_drawdown_duration_days).toBeNull();
    expect(plain.nullReasons.max_drawdown_duration_days).toBe('no dates');
    expect(plain.values.max_drawdown_duration_periods).toBe(3);
    expect(plain.nullReasons.beta).toBe('no benchmark');
    expect(plain.nullReasons.tracking_error).toBe('no benchmark');
  });
});

describe('performanceMetrics edge cases', () => {
  it('gives null with "no returns" for an empty series', () => {
    const m = performanceMetrics({ returns: [] }, P);
    for (const k of PERFORMANCE_KEYS) expect(m.values[k]).toBeNull();
    expect(m.nullReasons.total_return).toBe('no returns');
    expect(m.nullReasons.sharpe).toBe('no returns');
  });

  it('keeps the level metrics and drops the dispersion ones for one return', () => {
    const m = performanceMetrics({ returns: [0.05] }, P);
    expect(m.values.total_return).toBeCloseTo(0.05, 15);
    expect(m.values.cagr).toBeCloseTo(1.05 ** 252 - 1, 6);
    expect(m.values.max_drawdown).toBe(0);
    for (const k of ['ann_volatility', 'sharpe', 'sortino', 'skewness', 'kurtosis', 'psr'] as const) {
      expect(m.values[k]).toBeNull();
      expect(m.nullReasons[k]).toBe('needs at least 2 returns');
    }
  });

  it('treats all-zero returns as flat: zero volatility, no Sharpe, no drawdown', () => {
    const m = performanceMetrics({ returns: new Float64Array(30) }, P);
    expect(m.values.total_return).toBe(0);
    expect(m.values.cagr).toBe(0);
    expect(m.values.ann_volatility).toBe(0);
    expect(m.values.max_drawdown).toBe(0);
    expect(m.nullReasons.sharpe).toBe('returns have zero variance');
    expect(m.nullReasons.sortino).toBe('no return below the risk-free rate (zero downside risk)');
    expect(m.nullReasons.calmar).toBe('no drawdown');
    expect(m.nullReasons.psr).toBe('returns have zero variance');
  });

  it('gives constant non-zero returns exactly zero volatility rather than a rounding-error Sharpe ratio', () => {
    // The mean of seven 0.001s is not exactly 0.001 in binary; the deviations must still be 0.
    const m = performanceMetrics({ returns: new Array(7).fill(0.001) }, P);
    expect(m.values.ann_volatility).toBe(0);
    expect(m.values.sharpe).toBeNull();
    expect(m.values.skewness).toBeNull();
    expect(m.values.total_return).toBeCloseTo(1.001 ** 7 - 1, 15);
    // Below a positive risk-free rate every period is a shortfall: Sortino is defined and negative.
    const rf = performanceMetrics({ returns: new Array(7).fill(0.001) }, { periodsPerYear: 252, riskFree: 0.002 });
    expect(rf.values.sortino).toBeCloseTo((-0.001 * 252) / (0.001 * Math.sqrt(252)), 9);
  });

  it('makes every metric null when a return is not finite, naming the row and date', () => {
    const m = performanceMetrics({ returns: [0.01, NaN, 0.02], ts: days(3) }, P);
    for (const k of PERFORMANCE_KEYS) expect(m.values[k]).toBeNull();
    expect(m.nullReasons.sharpe).toBe('return is not a finite number at row 2 (2024-01-02T00:00:00.000Z)');
    expect(m.invalid).toBe(m.nullReasons.sharpe);
  });
});
