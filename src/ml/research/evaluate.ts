/**
 * Cross-validated evaluation of one learner on one dataset (docs/ml/registry.md): train per
 * purged split, score the test samples, and read out per-fold AUC, log loss and IC, the pooled
 * out-of-sample metrics, and the returns of a simple strategy (long when P(up) > 0.5, short
 * otherwise) on each CPCV path. A search evaluates many feature subsets the same way and keeps
 * every trial's returns: the deflated Sharpe ratio and PBO read them.
 */
import { estimateSharpe } from '../../analytics/stats/sharpe-estimate.js';
import { DataError } from '../../core/errors.js';
import { combinatorialPurgedCv, cpcvPaths, type CpcvPlan } from '../cv/cpcv.js';
import { purgedKFold } from '../cv/k-fold.js';
import type { CvPlan } from '../cv/split.js';
import { auc, informationCoefficient, logLoss } from '../metrics.js';
import { SeededRandom } from '../random.js';
import { selectFeatures, type MlDataset } from './dataset.js';
import { fit } from './learner.js';
import type { CvSpec, ModelKind, SearchSpec } from './spec.js';

export interface FoldResult {
  readonly split: number;
  readonly testGroups: readonly number[];
  readonly train: number;
  readonly test: number;
  readonly purged: number;
  readonly embargoed: number;
  readonly auc: number;
  readonly logloss: number;
  readonly ic: number;
  /** MDI of each feature in this fold's model (the dataset's column order). */
  readonly mdi: readonly number[];
}

export interface Evaluation {
  readonly features: readonly string[];
  readonly folds: readonly FoldResult[];
  /** Each sample's out-of-sample P(up): its one test prediction (k-fold) or the mean over CPCV paths. */
  readonly pooled: Float64Array;
  readonly auc: number;
  readonly logloss: number;
  readonly ic: number;
  /** Per-period returns of the strategy on the pooled predictions (one period per time step). */
  readonly returns: Float64Array;
  /** Per-period Sharpe ratio of the strategy on each CPCV path (k-fold: the one pooled path). */
  readonly pathSharpes: readonly number[];
}

export interface LearnerSpec {
  readonly kind: ModelKind;
  readonly params: Readonly<Record<string, unknown>>;
}

export function cvPlan(d: MlDataset, cv: CvSpec): CvPlan {
  const spans = { t0: d.t0, t1: d.t1 };
  const o = { embargo: cv.embargo, bars: d.times.length };
  return cv.method === 'kfold'
    ? purgedKFold(spans, { ...o, folds: cv.folds })
    : combinatorialPurgedCv(spans, { ...o, groups: cv.groups, testGroups: cv.testGroups });
}

function take(d: MlDataset, idx: Int32Array): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(idx.length * d.cols);
  const y = new Float64Array(idx.length);
  idx.forEach((r, k) => {
    x.set(d.x.subarray(r * d.cols, (r + 1) * d.cols), k * d.cols);
    y[k] = d.y[r]!;
  });
  return { x, y };
}

/** AUC is defined only when both classes occur (a short test block may hold one): else NaN. */
function aucOrNaN(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let ones = 0;
  for (let i = 0; i < y.length; i++) ones += y[i] === 1 ? 1 : 0;
  return ones === 0 || ones === y.length ? NaN : auc(y, p);
}

/** Strategy returns per time step: the mean over the step's samples of sign(p - 0.5) · ret. */
export function strategyReturns(d: MlDataset, p: ArrayLike<number>): Float64Array {
  const sum = new Map<number, { s: number; n: number }>();
  for (let i = 0; i < d.rows; i++) {
    const pos = p[i]! > 0.5 ? 1 : -1;
    const e = sum.get(d.t0[i]!) ?? { s: 0, n: 0 };
    e.s += pos * d.ret[i]!;
    e.n += 1;
    sum.set(d.t0[i]!, e);
  }
  return Float64Array.from(
    [...sum.entries()].sort((a, b) => a[0] - b[0]),
    ([, e]) => e.s / e.n,
  );
}

/** Trains and scores every split of `plan`; `onSplit` ticks after each. */
export function evaluate(d: MlDataset, plan: CvPlan, learner: LearnerSpec, onSplit?: () => void): Evaluation {
  const preds: Float64Array[] = [];
  const folds: FoldResult[] = [];
  for (const s of plan.splits) {
    const tr = take(d, s.train);
    const te = take(d, s.test);
    const classes = new Set(tr.y);
    if (tr.y.length === 0 || classes.size < 2) {
      throw new DataError(
        'DATA_INVALID',
        `CV split ${s.index} has ${tr.y.length} training samples of ${classes.size} class(es)`,
        {
          hint: 'use fewer folds, a smaller embargo, or more data: the purge left too little to train on',
          context: { key: 'cv', row: s.index },
        },
      );
    }
    const m = fit(learner.kind, learner.params, tr.x, s.train.length, d.cols, tr.y, d.names);
    const p = m.predict(te.x, s.test.length);
    preds.push(p);
    const r = Float64Array.from(s.test, (i) => d.ret[i]!);
    folds.push({
      split: s.index,
      testGroups: s.testGroups,
      train: s.train.length,
      test: s.test.length,
      purged: s.purged.length,
      embargoed: s.embargoed.length,
      auc: aucOrNaN(te.y, p),
      logloss: logLoss(te.y, p),
      ic: informationCoefficient(p, r),
      mdi: Array.from(m.mdi()),
    });
    onSplit?.();
  }
  let pooled: Float64Array;
  let pathSharpes: number[];
  if (plan.method === 'cpcv') {
    const paths = cpcvPaths(plan as CpcvPlan, preds);
    pooled = new Float64Array(d.rows);
    for (const path of paths) for (let i = 0; i < d.rows; i++) pooled[i] = pooled[i]! + path[i]! / paths.length;
    pathSharpes = paths.map((path) => estimateSharpe(strategyReturns(d, path)).sharpe);
  } else {
    pooled = new Float64Array(d.rows).fill(NaN);
    plan.splits.forEach((s, k) => s.test.forEach((i, j) => (pooled[i] = preds[k]![j]!)));
    pathSharpes = [];
  }
  const returns = strategyReturns(d, pooled);
  if (plan.method !== 'cpcv') pathSharpes = [estimateSharpe(returns).sharpe];
  return {
    features: d.names,
    folds,
    pooled,
    auc: aucOrNaN(d.y, pooled),
    logloss: logLoss(d.y, pooled),
    ic: informationCoefficient(pooled, d.ret),
    returns,
    pathSharpes,
  };
}

export interface SearchResult {
  readonly best: Evaluation;
  /** Every trial's features, Sharpe ratio of its pooled strategy, and its returns. */
  readonly trials: readonly {
    readonly features: readonly string[];
    readonly sharpe: number;
    readonly returns: Float64Array;
  }[];
}

/**
 * `trials` random subsets of `search.subsetSize` features (seeded), each evaluated on the same
 * plan; the one with the best out-of-sample Sharpe ratio is picked, as a researcher would.
 */
export function searchSubsets(
  d: MlDataset,
  plan: CvPlan,
  learner: LearnerSpec,
  search: SearchSpec,
  trials: number,
  seed: number,
  onSplit?: () => void,
): SearchResult {
  if (search.subsetSize > d.cols) {
    throw new DataError(
      'DATA_INVALID',
      `--search subsets:${search.subsetSize} draws more features than the ${d.cols} there are`,
      {
        hint: `use K <= ${d.cols}`,
        context: { flag: '--search', value: String(search.subsetSize) },
      },
    );
  }
  const rng = new SeededRandom(seed);
  const out: { features: string[]; sharpe: number; returns: Float64Array; ev: Evaluation }[] = [];
  for (let t = 0; t < trials; t++) {
    const pick = Array.from(rng.permutation(d.cols).subarray(0, search.subsetSize)).sort((a, b) => a - b);
    const names = pick.map((j) => d.names[j]!);
    const ev = evaluate(selectFeatures(d, names), plan, learner, onSplit);
    out.push({ features: names, sharpe: estimateSharpe(ev.returns).sharpe, returns: ev.returns, ev });
  }
  let best = out[0]!;
  for (const o of out) if (o.sharpe > best.sharpe || !Number.isFinite(best.sharpe)) best = o;
  return { best: best.ev, trials: out.map(({ features, sharpe, returns }) => ({ features, sharpe, returns })) };
}
