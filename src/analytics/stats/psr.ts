import { normCdf, normInv } from './normal.js';

/**
 * The probabilistic Sharpe ratio (PSR) and the minimum track record length (MinTRL).
 * @see D. H. Bailey, M. López de Prado, "The Sharpe Ratio Efficient Frontier", Journal of Risk
 *   15(2), 2012: the standard error of an estimated Sharpe ratio under non-normal IID returns,
 *   PSR and MinTRL.
 * Every Sharpe ratio here is per period (not annualised), `kurtosis` is the non-excess kurtosis
 * (3 for normal returns) and `skew` the skewness of the same returns. Conventions:
 * docs/statistics.md.
 */

/**
 * 1 − γ₃·SR + (γ₄ − 1)/4·SR²: the variance of √(n − 1)·(SR̂ − SR) for a per-period Sharpe ratio
 * estimated from IID returns of skewness γ₃ and kurtosis γ₄ (1 + SR²/2 for normal returns).
 */
export function sharpeVarianceFactor(sr: number, skew: number, kurtosis: number): number {
  return 1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr;
}

/** Standard error of a per-period Sharpe ratio over n returns: √(factor / (n − 1)); NaN when undefined. */
export function sharpeStandardError(sr: number, n: number, skew: number, kurtosis: number): number {
  const v = sharpeVarianceFactor(sr, skew, kurtosis);
  if (!(n >= 2) || !(v > 0)) return NaN;
  return Math.sqrt(v / (n - 1));
}

/**
 * PSR(SR*) = Φ((SR − SR*)·√(n − 1) / √(1 − γ₃·SR + (γ₄ − 1)/4·SR²)): the probability that the
 * true Sharpe ratio exceeds the benchmark SR* given the observed SR over n returns. NaN when
 * n < 2, SR is not finite or the variance factor is not positive.
 */
export function probabilisticSharpe(sr: number, n: number, skew: number, kurtosis: number, benchmark = 0): number {
  const se = sharpeStandardError(sr, n, skew, kurtosis);
  if (!Number.isFinite(sr) || !(se > 0)) return NaN;
  return normCdf((sr - benchmark) / se);
}

/**
 * MinTRL = 1 + (1 − γ₃·SR + (γ₄ − 1)/4·SR²)·(Φ⁻¹(p) / (SR − SR*))²: the number of returns a
 * track record with these statistics needs for PSR(SR*) to reach the probability p (not rounded:
 * round up for a whole count). Infinity when SR ≤ SR* (no length suffices); NaN when p is not
 * in (0, 1) or the variance factor is not positive.
 */
export function minTrackRecordLength(
  sr: number,
  skew: number,
  kurtosis: number,
  benchmark = 0,
  probability = 0.95,
): number {
  const v = sharpeVarianceFactor(sr, skew, kurtosis);
  if (!(probability > 0 && probability < 1) || !(v > 0) || !Number.isFinite(sr) || !Number.isFinite(benchmark)) {
    return NaN;
  }
  if (sr <= benchmark) return Infinity;
  const z = normInv(probability);
  return 1 + v * (z / (sr - benchmark)) ** 2;
}
