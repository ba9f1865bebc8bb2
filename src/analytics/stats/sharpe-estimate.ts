import { mean, moments, sampleStd } from '../metrics/return-stats.js';

/** The inputs of PSR, MinTRL and DSR, estimated from one return series. */
export interface SharpeEstimate {
  /** Per-period Sharpe ratio (mean − rf) / std (ddof = 1); NaN for fewer than 2 returns or zero variance. */
  readonly sharpe: number;
  readonly observations: number;
  /** Population skewness (NaN at zero variance). */
  readonly skew: number;
  /** Population non-excess kurtosis, 3 for normal returns (NaN at zero variance). */
  readonly kurtosis: number;
  readonly mean: number;
  readonly std: number;
}

/** Estimates the per-period Sharpe ratio, skewness and kurtosis of simple returns (docs/statistics.md). */
export function estimateSharpe(returns: ArrayLike<number>, riskFree = 0): SharpeEstimate {
  const n = returns.length;
  const m = mean(returns);
  const sd = sampleStd(returns);
  const { skew, kurtosis } = n >= 2 ? moments(returns) : { skew: NaN, kurtosis: NaN };
  return { sharpe: sd > 0 ? (m - riskFree) / sd : NaN, observations: n, skew, kurtosis, mean: m, std: sd };
}

/**
 * Number of trials and the sample variance (ddof = 1) of their per-period Sharpe ratios: the
 * N and V of the deflated Sharpe ratio. Non-finite Sharpe ratios (a trial with zero variance)
 * are left out of the variance but still count as trials.
 */
export function trialSharpeStats(trialSharpes: ArrayLike<number>): { trials: number; variance: number } {
  const finite = Array.from(trialSharpes).filter(Number.isFinite);
  const s = sampleStd(finite);
  return { trials: trialSharpes.length, variance: finite.length >= 2 ? s * s : NaN };
}
