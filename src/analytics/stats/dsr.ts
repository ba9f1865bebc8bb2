import { normInv } from './normal.js';
import { probabilisticSharpe } from './psr.js';
import { estimateSharpe, trialSharpeStats, type SharpeEstimate } from './sharpe-estimate.js';

/**
 * The deflated Sharpe ratio (DSR): PSR against the Sharpe ratio that the best of N unskilled
 * trials would show.
 * @see D. H. Bailey, M. López de Prado, "The Deflated Sharpe Ratio: Correcting for Selection Bias,
 *   Backtest Overfitting and Non-Normality", Journal of Portfolio Management 40(5), 2014.
 * Every Sharpe ratio and variance here is per period (not annualised). docs/statistics.md.
 */

/** Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * Expected maximum of N per-period Sharpe ratio estimates whose true value is 0 and whose
 * variance across trials is V (DSR paper, SR₀): √V·((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))).
 * 0 for one trial (no selection); NaN when N is not a whole number ≥ 1 or V < 0.
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (!Number.isInteger(trials) || trials < 1 || !(variance >= 0)) return NaN;
  if (trials === 1) return 0;
  return (
    Math.sqrt(variance) *
    ((1 - EULER_GAMMA) * normInv(1 - 1 / trials) + EULER_GAMMA * normInv(1 - 1 / (trials * Math.E)))
  );
}

/** DSR = PSR(SR₀) with SR₀ = expectedMaxSharpe(trials, variance); equals PSR(0) for one trial. */
export function deflatedSharpe(
  sr: number,
  n: number,
  skew: number,
  kurtosis: number,
  trials: number,
  variance: number,
): number {
  const sr0 = expectedMaxSharpe(trials, variance);
  return Number.isNaN(sr0) ? NaN : probabilisticSharpe(sr, n, skew, kurtosis, sr0);
}

export interface DeflatedSharpeResult {
  readonly dsr: number;
  /** The selected strategy's per-period Sharpe ratio, skewness, kurtosis and length. */
  readonly estimate: SharpeEstimate;
  readonly trials: number;
  /** Sample variance of the trials' per-period Sharpe ratios. */
  readonly variance: number;
  /** Expected maximum per-period Sharpe ratio of `trials` unskilled trials (the DSR threshold). */
  readonly expectedMaxSharpe: number;
}

/**
 * DSR of the strategy picked from a search: `returns` are the picked strategy's simple returns,
 * `trialSharpes` the per-period Sharpe ratios of every trial of the search (the picked one
 * included), so N and V are the search's own (a sweep passes all its trials).
 */
export function deflatedSharpeFromTrials(
  returns: ArrayLike<number>,
  trialSharpes: ArrayLike<number>,
  riskFree = 0,
): DeflatedSharpeResult {
  const estimate = estimateSharpe(returns, riskFree);
  const { trials, variance } = trialSharpeStats(trialSharpes);
  const v = trials === 1 ? 0 : variance;
  const sr0 = expectedMaxSharpe(trials, v);
  return {
    dsr: deflatedSharpe(estimate.sharpe, estimate.observations, estimate.skew, estimate.kurtosis, trials, v),
    estimate,
    trials,
    variance: v,
    expectedMaxSharpe: sr0,
  };
}
