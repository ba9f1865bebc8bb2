/**
 * Sample weights by return attribution (AFML 4.6, snippet 4.10): a label is weighted by the
 * absolute sum of the log returns over its span, each return divided among the labels
 * concurrent at that bar. Labels over large moves count more than labels over flat stretches,
 * and overlapping labels share what they overlap. Weights are scaled to sum to the number of
 * labels, as in AFML.
 *
 * As in AFML's code the sum runs over t0..t1 with r_t = ln(close[t] / close[t - 1]), so it
 * includes the return into bar t0 (r_0 counts as 0); the same c_t as averageUniqueness.
 *
 * @see M. López de Prado, Advances in Financial Machine Learning, Wiley 2018, section 4.6.
 */
import { checkPrices } from '../check.js';
import { type LabelSpans } from './spans.js';
import { concurrency } from './uniqueness.js';

export function returnAttributionWeights(spans: LabelSpans, close: ArrayLike<number>): Float64Array {
  checkPrices('close', close);
  const c = concurrency(spans, close.length);
  const prefix = new Float64Array(c.length + 1);
  for (let t = 1; t < c.length; t++) {
    const r = Math.log(close[t]! / close[t - 1]!);
    prefix[t + 1] = prefix[t]! + (c[t]! > 0 ? r / c[t]! : 0);
  }
  const n = spans.t0.length;
  const w = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    w[i] = Math.abs(prefix[spans.t1[i]! + 1]! - prefix[spans.t0[i]!]!);
    total += w[i]!;
  }
  // All-flat prices attribute nothing: every label then weighs the same.
  for (let i = 0; i < n; i++) w[i] = total > 0 ? (w[i]! * n) / total : 1;
  return w;
}
