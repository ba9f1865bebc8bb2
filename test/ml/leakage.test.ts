/**
 * Label leakage, shown and stopped. Features are persistent AR(1) series; labels are the sign of
 * the next 20 bars of an independent noise process, so the features carry no information about
 * them and every honest AUC is 0.5. Labels of samples 5 bars apart share 15 of their 20 returns,
 * and their features are nearly the same point. A k-nearest-neighbour model finds a test
 * sample's neighbours in time among the training samples of a shuffled k-fold and reads their
 * labels: the AUC looks like skill. Purged k-fold with an embargo, and CPCV, keep those
 * neighbours out of training and score chance. With labels that do not overlap, the shuffled
 * k-fold scores chance too: overlap is what leaks.
 *
 * @see M. López de Prado, Advances in Financial Machine Learning, Wiley 2018, sections 7.2-7.4
 *   and 12.4.
 */
import { describe, expect, it } from 'vitest';
import { combinatorialPurgedCv, cpcvPaths } from '../../src/ml/cv/cpcv.js';
import { purgedKFold, shuffledKFold } from '../../src/ml/cv/k-fold.js';
import { type CvPlan } from '../../src/ml/cv/split.js';
import { KNearestNeighbors } from '../../src/ml/knn.js';
import { matrixFromColumns, selectRows, selectValues, type FeatureMatrix } from '../../src/ml/matrix.js';
import { auc } from '../../src/ml/metrics.js';
import { SeededRandom } from '../../src/ml/random.js';

const BARS = 50_000;
const HORIZON = 20;
const FEATURES = 4;
const PHI = 0.998;
const NEIGHBOURS = 5;

interface Dataset {
  readonly X: FeatureMatrix;
  readonly y: Float64Array;
  readonly spans: { readonly t0: Int32Array; readonly t1: Int32Array };
}

/** Features AR(1) with φ = 0.998; labels 1 when the next 20 noise returns sum above 0; a sample every `stride` bars. */
function dataset(seed: number, stride: number): Dataset {
  const rng = new SeededRandom(seed);
  const features = Array.from({ length: FEATURES }, () => {
    const x = new Float64Array(BARS);
    x[0] = rng.normal() / Math.sqrt(1 - PHI * PHI);
    for (let t = 1; t < BARS; t++) x[t] = PHI * x[t - 1]! + rng.normal();
    return x;
  });
  const noise = Float64Array.from({ length: BARS }, () => rng.normal());
  const starts = Int32Array.from({ length: Math.ceil((BARS - HORIZON) / stride) }, (_, i) => i * stride);
  const y = Float64Array.from(starts, (t) => {
    let s = 0;
    for (let u = t + 1; u <= t + HORIZON; u++) s += noise[u]!;
    return s > 0 ? 1 : 0;
  });
  return {
    X: matrixFromColumns(features.map((f) => Float64Array.from(starts, (t) => f[t]!))),
    y,
    spans: { t0: starts, t1: starts.map((t) => t + HORIZON) },
  };
}

/** kNN test-set probabilities of each split, in the split's test order. */
function predictions(d: Dataset, plan: CvPlan): Float64Array[] {
  return plan.splits.map((s) =>
    KNearestNeighbors.fit(selectRows(d.X, s.train), selectValues(d.y, s.train), { k: NEIGHBOURS }).predictProba(
      selectRows(d.X, s.test),
    ),
  );
}

/** AUC of the out-of-fold predictions (each sample tested once). */
function pooledAuc(d: Dataset, plan: CvPlan): number {
  const oof = new Float64Array(d.y.length);
  predictions(d, plan).forEach((p, si) => plan.splits[si]!.test.forEach((i, k) => (oof[i] = p[k]!)));
  return auc(d.y, oof);
}

describe('label leakage with overlapping labels (kNN on persistent features, labels independent of them)', () => {
  const overlapping = dataset(1, 5);

  it('shuffled k-fold reports skill that is not there (AUC > 0.6)', () => {
    expect(pooledAuc(overlapping, shuffledKFold(overlapping.y.length, { folds: 5, seed: 1 }))).toBeGreaterThan(0.6);
  });

  it('purged k-fold with a 1% embargo reports chance (AUC 0.5 ± 0.03)', () => {
    const plan = purgedKFold(overlapping.spans, { folds: 5, embargo: 0.01 });
    expect(plan.embargoBars).toBe(500);
    expect(Math.abs(pooledAuc(overlapping, plan) - 0.5)).toBeLessThan(0.03);
  });

  it('CPCV (N = 6, k = 2) reports chance on average over its 5 paths', () => {
    const plan = combinatorialPurgedCv(overlapping.spans, { groups: 6, testGroups: 2, embargo: 0.01 });
    const paths = cpcvPaths(plan, predictions(overlapping, plan)).map((p) => auc(overlapping.y, p));
    expect(paths.length).toBe(5);
    const mean = paths.reduce((a, b) => a + b, 0) / paths.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.03);
  });

  it('with labels that do not overlap (a sample every 20 bars) even shuffled k-fold reports chance', () => {
    const apart = dataset(1, HORIZON);
    expect(Math.abs(pooledAuc(apart, shuffledKFold(apart.y.length, { folds: 5, seed: 1 })) - 0.5)).toBeLessThan(0.03);
  });
});
