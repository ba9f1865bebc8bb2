/**
 * Label spans: each sample's label is decided by the bars from its start t0 to its end t1, both
 * counted (bar indices, t0 <= t1). Concurrency, uniqueness, purging and embargo all read spans,
 * so they are checked once here.
 */
import { DataError } from '../../core/errors.js';
import { checkSameLength } from '../check.js';

export interface LabelSpans {
  /** Bar index where each label starts (the decision bar). */
  readonly t0: ArrayLike<number>;
  /** Bar index where each label ends (the first barrier touched, or the horizon), t1 >= t0. */
  readonly t1: ArrayLike<number>;
}

export interface CheckSpansOptions {
  /** Bars on the timeline; every t1 must be below it. */
  readonly bars?: number;
  /** Require t0 not to decrease (CV cuts folds by sample order, which must be time order). */
  readonly sorted?: boolean;
}

/** Throws a DataError naming the first sample whose span is not whole bars with 0 <= t0 <= t1 (< bars). */
export function checkSpans(spans: LabelSpans, o: CheckSpansOptions = {}): void {
  const { t0, t1 } = spans;
  checkSameLength('t0', t0, 't1', t1);
  const bad = (i: number, why: string, hint: string, key = 't1'): never => {
    throw new DataError('DATA_INVALID', `label ${i}: ${why}`, { hint, context: { key, row: i } });
  };
  for (let i = 0; i < t0.length; i++) {
    const a = t0[i]!;
    const b = t1[i]!;
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0) {
      bad(i, `span [${a}, ${b}] is not two bar indices >= 0`, 'give t0 and t1 as whole bar indices into the series');
    }
    if (b < a) {
      bad(
        i,
        `ends at bar ${b} before it starts at bar ${a} (t1 < t0)`,
        'a label ends at or after its start: check how t1 was computed',
      );
    }
    if (o.bars !== undefined && b >= o.bars) {
      bad(
        i,
        `ends at bar ${b}, past the last bar ${o.bars - 1}`,
        'pass bars as the length of the series the labels were made on',
      );
    }
    if (o.sorted === true && i > 0 && a < t0[i - 1]!) {
      bad(
        i,
        `starts at bar ${a}, before label ${i - 1} (bar ${t0[i - 1]}): samples must be in time order`,
        'sort the samples by t0 (and the features and labels with them)',
        't0',
      );
    }
  }
}

/** One past the last bar any span reaches. */
export function barsSpanned(spans: LabelSpans): number {
  let m = -1;
  for (let i = 0; i < spans.t1.length; i++) if (spans.t1[i]! > m) m = spans.t1[i]!;
  return m + 1;
}

/** The epoch-ms times of each span's first and last bar, from the bars' times (`ts[t]` of bar t). */
export function spanTimes(spans: LabelSpans, ts: ArrayLike<number>): { start: Float64Array; end: Float64Array } {
  checkSpans(spans, { bars: ts.length });
  return {
    start: Float64Array.from({ length: spans.t0.length }, (_, i) => ts[spans.t0[i]!]!),
    end: Float64Array.from({ length: spans.t1.length }, (_, i) => ts[spans.t1[i]!]!),
  };
}
