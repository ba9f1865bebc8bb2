/**
 * Volatility estimate that scales the triple barrier: the exponentially weighted standard
 * deviation of one-bar returns, as pandas' `close.pct_change().ewm(span=span).std()` computes it
 * (adjust=True, bias=False), the estimator of AFML snippet 3.1 (`getDailyVol`) applied to bars.
 *
 * @see M. López de Prado, Advances in Financial Machine Learning, Wiley 2018, section 3.3.
 * @see pandas `ExponentialMovingWindow.std`: weights (1 - α)^i, α = 2 / (span + 1), variance
 *   scaled by (Σw)² / ((Σw)² - Σw²) to be unbiased.
 */
import { checkNumber, checkPrices } from '../check.js';

/**
 * σ[t] from the returns r[1..t], r[t] = close[t] / close[t - 1] - 1. NaN at bars 0 and 1 (fewer
 * than two returns). `span` >= 1 bars (AFML uses 100).
 */
export function ewmVolatility(close: ArrayLike<number>, span: number): Float64Array {
  checkNumber('span', span, 1, Number.MAX_SAFE_INTEGER, false, 'pass the EWM span in bars, e.g. 100');
  checkPrices('close', close);
  const n = close.length;
  const out = new Float64Array(n).fill(NaN);
  const decay = 1 - 2 / (span + 1);
  let sw = 0; // Σ w
  let sw2 = 0; // Σ w²
  let swx = 0; // Σ w·r
  let swxx = 0; // Σ w·r²
  for (let t = 1; t < n; t++) {
    const r = close[t]! / close[t - 1]! - 1;
    sw = sw * decay + 1;
    sw2 = sw2 * decay * decay + 1;
    swx = swx * decay + r;
    swxx = swxx * decay + r * r;
    if (t < 2) continue;
    const mean = swx / sw;
    const biased = Math.max(0, swxx / sw - mean * mean);
    out[t] = Math.sqrt((biased * sw * sw) / (sw * sw - sw2));
  }
  return out;
}
