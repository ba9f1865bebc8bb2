import type { FeatureDef, FeatureInput } from './feature.js';
import { covarianceOf, nans, pctChange, rolling, varianceOf } from './rolling.js';

/**
 * Family 6 (seed 003): cross-asset, against `benchmarkClose` (aligned to the symbol's ts, NaN
 * where the benchmark has no bar). Without a benchmark every value is NaN (not an error); a
 * window holding a missing benchmark bar is NaN.
 */

const family = 'cross_asset' as const;

/** Aligns a benchmark's closes to `ts` by exact timestamp (both ascending); NaN where it has no bar. */
export function alignBenchmark(ts: Float64Array, benchTs: Float64Array, benchClose: Float64Array): Float64Array {
  const out = nans(ts.length);
  let j = 0;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] as number;
    while (j < benchTs.length && (benchTs[j] as number) < t) j++;
    if (j < benchTs.length && benchTs[j] === t) out[i] = benchClose[j] as number;
  }
  return out;
}

/** Runs `f` on the symbol's and the benchmark's one-bar returns, or returns NaNs without a benchmark. */
function withBenchmark(
  input: FeatureInput,
  f: (r: Float64Array, rb: Float64Array, bench: Float64Array) => Float64Array,
): Float64Array {
  const bench = input.benchmarkClose;
  if (bench === undefined) return nans(input.close.length);
  return f(pctChange(input.close, 1), pctChange(bench, 1), bench);
}

export function relStrength(period: number): FeatureDef {
  return {
    name: `rs_${period}`,
    family,
    description: `return over ${period} bars relative to the benchmark's (ratio of growth factors, minus one)`,
    formula: `(close[t] / close[t-${period}]) / (bench[t] / bench[t-${period}]) - 1`,
    params: { period },
    warmup: period,
    needsBenchmark: true,
    source: 'relative strength (price ratio momentum)',
    compute: (input) =>
      withBenchmark(input, (_r, _rb, bench) => {
        const a = pctChange(input.close, period);
        const b = pctChange(bench, period);
        return a.map((x, t) => (1 + x) / (1 + (b[t] as number)) - 1);
      }),
  };
}

export function correlation(period: number): FeatureDef {
  return {
    name: `corr_${period}`,
    family,
    description: `Pearson correlation of one-bar returns with the benchmark's over ${period} bars`,
    formula: `cov(ret, bench_ret) / (sd(ret) sd(bench_ret)) over ${period}`,
    params: { period },
    warmup: period,
    needsBenchmark: true,
    source: 'Pearson correlation of simple returns',
    compute: (input) =>
      withBenchmark(input, (r, rb) =>
        rolling([r, rb], period, (s, e) => {
          const den = Math.sqrt(varianceOf(r, s, e, 1) * varianceOf(rb, s, e, 1));
          return den > 0 ? covarianceOf(r, rb, s, e, 1) / den : Number.NaN;
        }),
      ),
  };
}

export function beta(period: number): FeatureDef {
  return {
    name: `beta_${period}`,
    family,
    description: `OLS beta of one-bar returns on the benchmark's over ${period} bars`,
    formula: `cov(ret, bench_ret) / var(bench_ret) over ${period}`,
    params: { period },
    warmup: period,
    needsBenchmark: true,
    source: 'CAPM beta (Sharpe 1964), OLS estimate as empyrical beta',
    compute: (input) =>
      withBenchmark(input, (r, rb) =>
        rolling([r, rb], period, (s, e) => {
          const v = varianceOf(rb, s, e, 1);
          return v > 0 ? covarianceOf(r, rb, s, e, 1) / v : Number.NaN;
        }),
      ),
  };
}

export function residualVol(period: number): FeatureDef {
  return {
    name: `resid_vol_${period}`,
    family,
    description: `annualized idiosyncratic volatility: sd of the residuals of ret on bench_ret (OLS with intercept) over ${period} bars`,
    formula: `sqrt((Syy - Sxy^2 / Sxx) / (n - 2) * periodsPerYear), S = centred sums over ${period}, x = bench_ret, y = ret`,
    params: { period },
    warmup: period,
    needsBenchmark: true,
    source:
      'market-model OLS residual sd (idiosyncratic volatility; Ang, Hodrick, Xing & Zhang 2006 use the Fama-French 3-factor model)',
    compute: (input) =>
      withBenchmark(input, (r, rb) =>
        rolling([r, rb], period, (s, e) => {
          const n = e - s;
          const sxx = varianceOf(rb, s, e, 0) * n;
          const syy = varianceOf(r, s, e, 0) * n;
          const sxy = covarianceOf(r, rb, s, e, 0) * n;
          if (!(sxx > 0)) return Number.NaN;
          const ssr = Math.max(syy - (sxy * sxy) / sxx, 0);
          return Math.sqrt((ssr / (n - 2)) * input.periodsPerYear);
        }),
      ),
  };
}

export const CROSS_ASSET: readonly FeatureDef[] = [
  relStrength(20),
  relStrength(60),
  correlation(60),
  beta(60),
  residualVol(60),
];
