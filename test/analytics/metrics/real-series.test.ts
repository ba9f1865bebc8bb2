/**
 * Metrics of a real return series against an independent implementation: NVDA daily returns
 * (1999-2014, from Adj Close) with ORCL as the benchmark, both from ../shared/data. The expected
 * values in test/fixtures/stats/nvda-orcl.json come from test/fixtures/stats/reference.py, which
 * writes empyrical's formulas and the papers' PSR and MinTRL on numpy/scipy without momentic's code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { performanceMetrics, type PerformanceKey } from '../../../src/analytics/metrics/performance.js';
import { minTrackRecordLength } from '../../../src/analytics/stats/psr.js';
import { estimateSharpe } from '../../../src/analytics/stats/sharpe-estimate.js';
import { parseDateCell } from '../../../src/data/returns-csv.js';
import { SHARED_DATA } from '../../support/paths.js';

const REF = JSON.parse(readFileSync(new URL('../../fixtures/stats/nvda-orcl.json', import.meta.url), 'utf8')) as Record<
  string,
  number
>;

/** Dates and simple returns of the Adj Close column (the first row has no return), as reference.py. */
function adjReturns(file: string): { dates: string[]; r: number[] } {
  const rows = readFileSync(join(SHARED_DATA, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const adj = rows.map((c) => Number(c[5]));
  return { dates: rows.slice(1).map((c) => c[0]!), r: adj.slice(1).map((v, i) => v / adj[i]! - 1) };
}

/** |got - want| <= 1e-9 relative (sums taken in another order differ in the last digits). */
function close(got: number | null, want: number): void {
  expect(got).not.toBeNull();
  expect(Math.abs((got as number) - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
}

describe('metrics of NVDA against ORCL, 1999-2014 (numpy/scipy reference)', () => {
  const s = adjReturns('nvda-1999-2014.txt');
  const b = adjReturns('orcl-1995-2014.txt');
  const byDate = new Map(b.dates.map((d, i) => [d, b.r[i]!]));
  const m = performanceMetrics(
    {
      returns: s.r,
      ts: s.dates.map((d) => parseDateCell(d)!),
      benchmark: s.dates.map((d) => byDate.get(d) ?? NaN),
    },
    { periodsPerYear: 252 },
  );

  it('has the reference length and pairs', () => {
    expect(m.periods).toBe(REF['periods']);
    expect(m.benchmarkPairs).toBe(REF['benchmark_pairs']);
  });

  it('equals the reference on every metric', () => {
    const keys: PerformanceKey[] = [
      'total_return',
      'cagr',
      'ann_volatility',
      'sharpe',
      'sortino',
      'max_drawdown',
      'max_drawdown_duration_days',
      'max_drawdown_duration_periods',
      'calmar',
      'information_ratio',
      'tracking_error',
      'alpha',
      'beta',
      'skewness',
      'kurtosis',
      'psr',
    ];
    for (const k of keys) close(m.values[k], REF[k]!);
  });

  it('equals the reference MinTRL against an annualised Sharpe ratio of 0.5', () => {
    const e = estimateSharpe(s.r);
    close(e.sharpe, REF['sharpe_per_period']!);
    close(minTrackRecordLength(e.sharpe, e.skew, e.kurtosis, 0.5 / Math.sqrt(252)), REF['min_trl_vs_annual_0_5']!);
  });
});
