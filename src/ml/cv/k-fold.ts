/**
 * Purged k-fold (AFML 7.4.3): the samples are cut into k contiguous folds in time order; each
 * fold is tested once, trained on the others minus the purged and embargoed samples.
 *
 * shuffledKFold is the textbook k-fold with shuffled samples and no purge, kept as the leaky
 * reference: with overlapping labels its scores are inflated (test/ml/leakage.test.ts).
 *
 * @see M. López de Prado, Advances in Financial Machine Learning, Wiley 2018, snippet 7.3.
 */
import { checkAtMostSamples, checkInteger } from '../check.js';
import { type LabelSpans } from '../labels/spans.js';
import { SeededRandom } from '../random.js';
import {
  CvMethod,
  contiguousGroups,
  indicesOf,
  prepare,
  purgeAndEmbargo,
  type CvPlan,
  type CvSplit,
  type PurgeOptions,
} from './split.js';

export interface PurgedKFoldOptions extends PurgeOptions {
  /** k >= 2 folds, at most one per sample. */
  readonly folds: number;
}

export function purgedKFold(spans: LabelSpans, o: PurgedKFoldOptions): CvPlan {
  const { bars, embargoBars } = prepare(spans, o);
  const n = spans.t0.length;
  checkFolds(o.folds, n);
  const groups = contiguousGroups(n, o.folds);
  const splits: CvSplit[] = groups.map((g, f) => {
    const candidates = indicesOf([
      { from: 0, to: g.from },
      { from: g.to, to: n },
    ]);
    const kept = purgeAndEmbargo(spans, [g], candidates, bars, embargoBars, 'after');
    return { index: f, testGroups: [f], test: indicesOf([g]), ...kept };
  });
  return { method: CvMethod.PurgedKFold, samples: n, bars, embargoBars, embargoSide: 'after', groups, splits };
}

export interface ShuffledKFoldOptions {
  readonly folds: number;
  readonly seed: number;
}

/** k folds of shuffled samples, nothing purged: leaks when labels overlap. */
export function shuffledKFold(samples: number, o: ShuffledKFoldOptions): CvPlan {
  checkInteger('samples', samples, 0);
  checkFolds(o.folds, samples);
  const order = new SeededRandom(o.seed).permutation(samples);
  const groups = contiguousGroups(samples, o.folds);
  const none = new Int32Array(0);
  const splits: CvSplit[] = groups.map((g, f) => {
    const test = order.slice(g.from, g.to).sort();
    const train = Int32Array.from([...order.subarray(0, g.from), ...order.subarray(g.to)]).sort();
    return { index: f, testGroups: [f], train, test, purged: none, embargoed: none };
  });
  // Groups of shuffled folds are positions in the shuffled order, not sample ranges.
  return { method: CvMethod.ShuffledKFold, samples, bars: 0, embargoBars: 0, embargoSide: 'after', groups, splits };
}

function checkFolds(folds: number, n: number): void {
  checkInteger('folds', folds, 2, Infinity, 'pass the number of folds, e.g. 5');
  checkAtMostSamples('folds', folds, n);
}
