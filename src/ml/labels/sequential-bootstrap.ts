/**
 * Sequential bootstrap (AFML 4.5): a bootstrap that draws labels one at a time with probability
 * proportional to how unique each would be given the draws so far, so that overlapping labels
 * are rarely drawn together and the sample's average uniqueness is closer to that of IID draws.
 *
 * @see M. López de Prado, Advances in Financial Machine Learning, Wiley 2018, section 4.5 and
 *   snippets 4.3-4.9; 4.5.3 is the worked example of the tests.
 */
import { checkInteger } from '../check.js';
import { SeededRandom } from '../random.js';
import { barsSpanned, checkSpans, type LabelSpans } from './spans.js';

export interface SequentialBootstrapOptions {
  /** Draws (default: as many as there are labels). */
  readonly size?: number;
  readonly seed: number;
}

/**
 * The probabilities of the next draw given the labels drawn so far (repeats counted): label i's
 * average uniqueness over its span when added to them, normalised to sum to 1.
 */
export function sequentialBootstrapProbabilities(spans: LabelSpans, drawn: ArrayLike<number>): Float64Array {
  checkSpans(spans);
  const bars = barsSpanned(spans);
  const c = new Int32Array(bars);
  for (let k = 0; k < drawn.length; k++) {
    const i = drawn[k]!;
    checkInteger('drawn label', i, 0, spans.t0.length - 1);
    for (let t = spans.t0[i]!; t <= spans.t1[i]!; t++) c[t]!++;
  }
  return probabilities(spans, c);
}

/** Indices of the drawn labels, in draw order; the same seed gives the same draws. */
export function sequentialBootstrap(spans: LabelSpans, o: SequentialBootstrapOptions): Int32Array {
  checkSpans(spans);
  const n = spans.t0.length;
  const size = o.size ?? n;
  checkInteger('size', size, 0);
  if (n === 0) return new Int32Array(0);
  const rng = new SeededRandom(o.seed);
  const c = new Int32Array(barsSpanned(spans));
  const out = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    const p = probabilities(spans, c);
    const u = rng.uniform();
    let i = 0;
    let acc = p[0]!;
    while (acc <= u && i < n - 1) acc += p[++i]!;
    out[k] = i;
    for (let t = spans.t0[i]!; t <= spans.t1[i]!; t++) c[t]!++;
  }
  return out;
}

/**
 * Average uniqueness of a bootstrap sample (AFML snippet 4.4 on the sample's indicator matrix):
 * concurrency counts every draw, repeats included, and the drawn labels' ū are averaged.
 */
export function sampleAverageUniqueness(spans: LabelSpans, drawn: ArrayLike<number>): number {
  checkSpans(spans);
  if (drawn.length === 0) return NaN;
  const c = new Int32Array(barsSpanned(spans));
  for (let k = 0; k < drawn.length; k++) {
    const i = drawn[k]!;
    checkInteger('drawn label', i, 0, spans.t0.length - 1);
    for (let t = spans.t0[i]!; t <= spans.t1[i]!; t++) c[t]!++;
  }
  let sum = 0;
  for (let k = 0; k < drawn.length; k++) {
    const i = drawn[k]!;
    let u = 0;
    for (let t = spans.t0[i]!; t <= spans.t1[i]!; t++) u += 1 / c[t]!;
    sum += u / (spans.t1[i]! - spans.t0[i]! + 1);
  }
  return sum / drawn.length;
}

/** Each label's ū if drawn next (1 / (c_t + 1) over its span), normalised. */
function probabilities(spans: LabelSpans, c: Int32Array): Float64Array {
  const prefix = new Float64Array(c.length + 1);
  for (let t = 0; t < c.length; t++) prefix[t + 1] = prefix[t]! + 1 / (c[t]! + 1);
  const n = spans.t0.length;
  const p = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const a = spans.t0[i]!;
    const b = spans.t1[i]!;
    p[i] = (prefix[b + 1]! - prefix[a]!) / (b - a + 1);
    total += p[i]!;
  }
  for (let i = 0; i < n; i++) p[i] = p[i]! / total;
  return p;
}
