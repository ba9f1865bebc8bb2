/**
 * Walk-forward splits with purge and embargo: each test window follows its training window in
 * time (rolling keeps the training length, anchored starts at the first sample). Training labels
 * whose spans reach into the test window are purged; because training only ever precedes the
 * test here, the embargo lies before the test window: training labels that end within h bars of
 * its first bar are dropped too (a gap, like scikit-learn's TimeSeriesSplit `gap`).
 *
 * @see M. López de Prado, Advances in Financial Machine Learning, Wiley 2018, section 12.2.
 */
import { UsageError } from '../../core/errors.js';
import { checkInteger } from '../check.js';
import { type LabelSpans } from '../labels/spans.js';
import {
  CvMethod,
  indicesOf,
  prepare,
  purgeAndEmbargo,
  type CvPlan,
  type CvSplit,
  type PurgeOptions,
  type SampleRange,
} from './split.js';

export interface WalkForwardOptions extends PurgeOptions {
  /** Samples in the (first) training window, >= 1. */
  readonly train: number;
  /** Samples in each test window, >= 1 (the last one may be shorter). */
  readonly test: number;
  /** Samples the windows move by; default `test` (test windows tile the rest of the sample). */
  readonly step?: number;
  /** 'rolling' (default) or 'anchored'. */
  readonly mode?: 'rolling' | 'anchored';
}

export function walkForwardSplits(spans: LabelSpans, o: WalkForwardOptions): CvPlan {
  const { bars, embargoBars } = prepare(spans, o);
  const n = spans.t0.length;
  checkInteger('train', o.train, 1);
  checkInteger('test', o.test, 1);
  const step = o.step ?? o.test;
  checkInteger('step', step, 1, o.test, 'pass a step no longer than the test window, or bars go untested');
  if (o.train >= n) {
    throw new UsageError(
      'USAGE_INVALID_RANGE',
      `${n} samples leave no test window after a ${o.train}-sample training window`,
      {
        hint: 'shorten the training window or label more bars',
        context: { key: 'train', value: String(o.train) },
      },
    );
  }
  const rolling = (o.mode ?? 'rolling') === 'rolling';
  const groups: SampleRange[] = [];
  const splits: CvSplit[] = [];
  for (let start = o.train; start < n; start += step) {
    const test: SampleRange = { from: start, to: Math.min(n, start + o.test) };
    const candidates = indicesOf([{ from: rolling ? start - o.train : 0, to: start }]);
    const kept = purgeAndEmbargo(spans, [test], candidates, bars, embargoBars, 'before');
    groups.push(test);
    splits.push({ index: splits.length, testGroups: [splits.length], test: indicesOf([test]), ...kept });
  }
  return { method: CvMethod.WalkForward, samples: n, bars, embargoBars, embargoSide: 'before', groups, splits };
}
