/**
 * Feature importance (AFML ch. 8). MDI: the fitted model's in-sample importance (GBDT split
 * gains, normalized to sum 1). MDA: out of sample, per purged CV split, how much the test log
 * loss rises when one feature's test column is shuffled (breaking its link to the label while
 * keeping its distribution); the mean over splits and its standard error. MDA near zero or below
 * means the model does not rely on the feature out of sample, whatever MDI says.
 * @see M. López de Prado, Advances in Financial Machine Learning, Wiley 2018, 8.3.1-8.3.2.
 */
import type { CvPlan } from '../cv/split.js';
import { logLoss } from '../metrics.js';
import { SeededRandom } from '../random.js';
import type { MlDataset } from './dataset.js';
import type { LearnerSpec } from './evaluate.js';
import { fit } from './learner.js';

export interface FeatureImportance {
  readonly feature: string;
  /** Share of the total MDI (0 when the model has no splits). */
  readonly mdi: number;
  /** Mean rise of the out-of-sample log loss when the feature is shuffled. */
  readonly mda: number;
  readonly mdaStdErr: number;
}

export function normalize(v: ArrayLike<number>): number[] {
  const s = Array.from(v).reduce((a, b) => a + b, 0);
  return Array.from(v, (x) => (s > 0 ? x / s : 0));
}

/** MDA over `plan`'s splits; `mdi` is the final model's (the dataset's column order). */
export function importance(
  d: MlDataset,
  plan: CvPlan,
  learner: LearnerSpec,
  mdi: ArrayLike<number>,
  seed: number,
  onSplit?: () => void,
): FeatureImportance[] {
  const rng = new SeededRandom(seed);
  const rises: number[][] = d.names.map(() => []);
  for (const s of plan.splits) {
    const pick = (idx: Int32Array): { x: Float64Array; y: Float64Array } => {
      const x = new Float64Array(idx.length * d.cols);
      idx.forEach((r, k) => x.set(d.x.subarray(r * d.cols, (r + 1) * d.cols), k * d.cols));
      return { x, y: Float64Array.from(idx, (r) => d.y[r]!) };
    };
    const tr = pick(s.train);
    const te = pick(s.test);
    const m = fit(learner.kind, learner.params, tr.x, s.train.length, d.cols, tr.y, d.names);
    const base = logLoss(te.y, m.predict(te.x, s.test.length));
    for (let j = 0; j < d.cols; j++) {
      const x = te.x.slice();
      const order = rng.permutation(s.test.length);
      for (let k = 0; k < s.test.length; k++) x[k * d.cols + j] = te.x[order[k]! * d.cols + j]!;
      rises[j]!.push(logLoss(te.y, m.predict(x, s.test.length)) - base);
    }
    onSplit?.();
  }
  const share = normalize(mdi);
  return d.names.map((feature, j) => {
    const r = rises[j]!;
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const sd = r.length > 1 ? Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1)) : NaN;
    return { feature, mdi: share[j]!, mda: mean, mdaStdErr: sd / Math.sqrt(r.length) };
  });
}
