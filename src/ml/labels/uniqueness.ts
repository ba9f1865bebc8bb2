/**
 * Label concurrency and average uniqueness (AFML 4.3-4.4). Labels whose spans overlap share the
 * same returns, so they are not independent draws; a label's uniqueness at bar t is 1 / c_t,
 * c_t the number of labels whose span [t0, t1] holds t, and its average uniqueness ū is the
 * mean of 1 / c_t over its own span. ū weights samples so that overlapping ones count once
 * between them, and the mean of ū says how many independent labels the set is worth.
 *
 * @see M. López de Prado, Advances in Financial Machine Learning, Wiley 2018, snippets 4.1-4.2.
 */
import { checkInteger } from '../check.js';
import { barsSpanned, checkSpans, type LabelSpans } from './spans.js';

/** c_t for t in 0..bars-1 (bars defaults to one past the last t1). */
export function concurrency(spans: LabelSpans, bars = barsSpanned(spans)): Int32Array {
  checkInteger('bars', bars, 0);
  checkSpans(spans, { bars });
  const diff = new Int32Array(bars + 1);
  for (let i = 0; i < spans.t0.length; i++) {
    diff[spans.t0[i]!]!++;
    diff[spans.t1[i]! + 1]!--;
  }
  const c = new Int32Array(bars);
  let run = 0;
  for (let t = 0; t < bars; t++) c[t] = run += diff[t]!;
  return c;
}

/** ū of every label: the mean of 1 / c_t over t0..t1. */
export function averageUniqueness(spans: LabelSpans): Float64Array {
  const c = concurrency(spans);
  // Prefix sums of 1 / c_t make each label's mean O(1).
  const prefix = new Float64Array(c.length + 1);
  for (let t = 0; t < c.length; t++) prefix[t + 1] = prefix[t]! + (c[t]! > 0 ? 1 / c[t]! : 0);
  const n = spans.t0.length;
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = spans.t0[i]!;
    const b = spans.t1[i]!;
    u[i] = (prefix[b + 1]! - prefix[a]!) / (b - a + 1);
  }
  return u;
}
