import { describe, expect, it } from 'vitest';
import {
  alphaBeta,
  annualVolatility,
  cagr,
  downsideRisk,
  drawdownStats,
  informationRatio,
  moments,
  rollingSharpe,
  sampleStd,
  sharpe,
  simpleReturns,
  sortino,
} from '../../../src/analytics/metrics/return-stats.js';
import { DAY, d, prng } from '../../backtest/results-fixture.js';

// The tiny series of these tests: initial 100, equity 110, 99, 108.9, 108.9
// => returns r = [0.1, -0.1, 0.1, 0], mean 0.025,
//    deviations 0.075, -0.125, 0.075, -0.025; squares 0.005625 + 0.015625 + 0.005625 + 0.000625 = 0.0275.
const R = [0.1, -0.1, 0.1, 0];
const SAMPLE_VAR = 0.0275 / 3;

describe('return statistics on a hand-computed series', () => {
  it('takes simple returns with the initial value before the first row', () => {
    const r = simpleReturns([110, 99, 108.9, 108.9], 100);
    // 110/100 - 1, 99/110 - 1, 108.9/99 - 1, 108.9/108.9 - 1
    R.forEach((x, i) => expect(r[i]).toBeCloseTo(x, 14));
  });

  it('uses the sample standard deviation (ddof = 1)', () => {
    expect(sampleStd(R)).toBeCloseTo(Math.sqrt(SAMPLE_VAR), 15);
    expect(annualVolatility(R, 252)).toBeCloseTo(Math.sqrt(SAMPLE_VAR) * Math.sqrt(252), 13);
    expect(sampleStd([0.5])).toBeNaN();
  });

  it('annualises the Sharpe ratio by sqrt(periods per year)', () => {
    expect(sharpe(R, 252)).toBeCloseTo((0.025 / Math.sqrt(SAMPLE_VAR)) * Math.sqrt(252), 12);
    expect(sharpe(R, 365)).toBeCloseTo((0.025 / Math.sqrt(SAMPLE_VAR)) * Math.sqrt(365), 12);
    // risk-free 0.005 per period: mean excess 0.02, same deviation
    expect(sharpe(R, 252, 0.005)).toBeCloseTo((0.02 / Math.sqrt(SAMPLE_VAR)) * Math.sqrt(252), 12);
  });

  it('is NaN for zero variance and fewer than two returns', () => {
    expect(sharpe([0.01, 0.01, 0.01], 252)).toBeNaN();
    expect(sharpe([0.01], 252)).toBeNaN();
  });

  it('computes the Sortino ratio with the downside mean over all periods (empyrical)', () => {
    // only -0.1 is below 0: mean of squares = 0.01 / 4 = 0.0025, root 0.05
    expect(downsideRisk(R, 252)).toBeCloseTo(0.05 * Math.sqrt(252), 14);
    // 0.025 * 252 / (0.05 * sqrt 252) = 0.5 * sqrt 252
    expect(sortino(R, 252)).toBeCloseTo(0.5 * Math.sqrt(252), 12);
    expect(sortino([0.01, 0.02], 252)).toBeNaN();
  });

  it('compounds CAGR over years = returns / periods per year', () => {
    // growth 1.089 over 4 daily returns = 4/252 years
    expect(cagr(1.089, 4, 252)).toBeCloseTo(1.089 ** 63 - 1, 10);
    expect(cagr(1.21, 504, 252)).toBeCloseTo(0.1, 14);
    expect(cagr(0, 10, 252)).toBeNaN();
    expect(cagr(-0.5, 10, 252)).toBeNaN();
  });

  it('measures the deepest drawdown and the longest time under water', () => {
    const ts = [0, 1, 2, 3].map((i) => d('2024-01-01') + i * DAY);
    // peak 110 on day 0, trough 99: 99 / 110 - 1 = -0.1; never recovers: day 0 -> day 3
    expect(drawdownStats([110, 99, 108.9, 108.9], ts, 100)).toEqual({
      maxDrawdown: 99 / 110 - 1,
      maxDurationMs: 3 * DAY,
      maxDurationPeriods: 3,
    });
    // under water from day 0 (the initial 100) to day 2 (back at 100), then a new high: 2 days
    const rec = drawdownStats([95, 97, 100, 120], ts, 100);
    expect(rec.maxDrawdown).toBeCloseTo(-0.05, 15);
    expect(rec.maxDurationMs).toBe(2 * DAY);
    expect(rec.maxDurationPeriods).toBe(2);
    expect(drawdownStats([101, 102], ts, 100)).toEqual({ maxDrawdown: 0, maxDurationMs: 0, maxDurationPeriods: 0 });
  });

  it('regresses on the benchmark as empyrical does (population covariance, compounded alpha)', () => {
    // pairs (r, b): (-0.1, 0.1), (0.1, -0.1), (0, 0.1); the NaN pair is dropped
    // mean r = 0, mean b = 0.1/3; cov sum = -0.1*(0.2/3) + 0.1*(-0.4/3) + 0 = -0.02
    // var sum = (0.2/3)^2 + (0.4/3)^2 + (0.2/3)^2 = 0.24/9; beta = -0.02 / (0.24/9) = -0.75
    const ab = alphaBeta([0.1, -0.1, 0.1, 0], [NaN, 0.1, -0.1, 0.1], 252);
    expect(ab.pairs).toBe(3);
    expect(ab.beta).toBeCloseTo(-0.75, 13);
    // alpha = (1 + mean(r - beta b))^252 - 1 = (1 + 0.75 * 0.1/3)^252 - 1 = 1.025^252 - 1
    expect(ab.alpha / (1.025 ** 252 - 1)).toBeCloseTo(1, 10);
    // active returns -0.2, 0.2, -0.1: mean -0.1/3, squares of deviations sum 0.26/3, var 0.13/3
    expect(informationRatio([0.1, -0.1, 0.1, 0], [NaN, 0.1, -0.1, 0.1], 252)).toBeCloseTo(
      (-0.1 / 3 / Math.sqrt(0.13 / 3)) * Math.sqrt(252),
      12,
    );
    expect(alphaBeta([0.1, 0.2], [0.05, 0.05], 252).beta).toBeNaN();
  });

  it('takes population skewness and non-excess kurtosis', () => {
    // m2 = 0.0275/4; m3 = (2*0.075^3 - 0.125^3 - 0.025^3)/4; m4 = (2*0.075^4 + 0.125^4 + 0.025^4)/4
    const m2 = 0.0275 / 4;
    const m3 = (2 * 0.075 ** 3 - 0.125 ** 3 - 0.025 ** 3) / 4;
    const m4 = (2 * 0.075 ** 4 + 0.125 ** 4 + 0.025 ** 4) / 4;
    const m = moments(R);
    expect(m.skew).toBeCloseTo(m3 / m2 ** 1.5, 12);
    expect(m.kurtosis).toBeCloseTo(m4 / m2 ** 2, 12);
  });

  it('computes rolling Sharpe over trailing windows, NaN before the window fills', () => {
    const rs = rollingSharpe([0.1, -0.1, 0.1, 0, 0.2], 4, 252);
    expect(Array.from(rs.subarray(0, 3)).every(Number.isNaN)).toBe(true);
    expect(rs[3]).toBeCloseTo(sharpe(R, 252), 14);
    expect(rs[4]).toBeCloseTo(sharpe([-0.1, 0.1, 0, 0.2], 252), 14);
  });
});

/** Straightforward reimplementations, written independently of the module (plain loops over arrays). */
function refSharpe(r: number[], p: number): number {
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  const v = r.reduce((a, b) => a + (b - m) * (b - m), 0) / (r.length - 1);
  return (m / Math.sqrt(v)) * Math.sqrt(p);
}
function refSortino(r: number[], p: number): number {
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  const dd = Math.sqrt(r.map((x) => Math.min(x, 0) ** 2).reduce((a, b) => a + b, 0) / r.length);
  return (m * p) / (dd * Math.sqrt(p));
}
function refMaxDrawdown(r: number[]): number {
  // empyrical: cumulative product from 100, running max, min of (cum - max) / max
  const cum = [100];
  for (const x of r) cum.push(cum[cum.length - 1]! * (1 + x));
  let max = -Infinity;
  let worst = 0;
  for (const c of cum) {
    max = Math.max(max, c);
    worst = Math.min(worst, (c - max) / max);
  }
  return worst;
}

describe('cross-check against a plain reimplementation on a random series', () => {
  const rnd = prng(2024);
  const r = Array.from({ length: 750 }, () => (rnd() - 0.48) * 0.04);
  const equity: number[] = [];
  let e = 1000;
  for (const x of r) equity.push((e *= 1 + x));
  const rr = Array.from(simpleReturns(equity, 1000));

  it('agrees on Sharpe, Sortino and max drawdown', () => {
    expect(sharpe(rr, 252)).toBeCloseTo(refSharpe(r, 252), 9);
    expect(sortino(rr, 252)).toBeCloseTo(refSortino(r, 252), 9);
    const ts = equity.map((_, i) => i * DAY);
    expect(drawdownStats(equity, ts, 1000).maxDrawdown).toBeCloseTo(refMaxDrawdown(r), 12);
    expect(refMaxDrawdown(r)).toBeLessThan(-0.05);
  });
});
