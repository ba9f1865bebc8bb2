/**
 * The losses the learner minimizes: per row, the gradient and hessian of the loss in the raw
 * score, the best constant score to start from, the link from raw score to prediction, and the
 * metric early stopping watches (lower is better).
 */
import type { Objective } from './params.js';

export interface ObjectiveFunction {
  readonly name: Objective;
  /** The metric's name as LightGBM reports it. */
  readonly metric: 'binary_logloss' | 'l2' | 'quantile';
  initScore(labels: Float64Array): number;
  gradients(labels: Float64Array, scores: Float64Array, grad: Float64Array, hess: Float64Array): void;
  transform(raw: number): number;
  loss(labels: Float64Array, scores: Float64Array): number;
  /**
   * The quantile of residuals a leaf takes once the tree is grown (LightGBM's leaf renewal for
   * quantile regression, whose hessian carries no curvature), or undefined to keep -G/(H+lambda).
   */
  readonly renewQuantile: number | undefined;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The `alpha` quantile of `values` (sorted in place), linear between order statistics (numpy's default). */
export function quantileOf(values: Float64Array, alpha: number): number {
  const n = values.length;
  if (n === 0) return 0;
  values.sort();
  const pos = alpha * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const a = values[lo] as number;
  return a + ((values[hi] as number) - a) * (pos - lo);
}

function mean(y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] as number;
  return s / y.length;
}

/** Logloss on probabilities clipped as XGBoost and LightGBM clip them (1e-15). */
export function binaryLogloss(labels: Float64Array, probabilities: Float64Array): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(probabilities[i] as number, 1e-15), 1 - 1e-15);
    s -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return s / labels.length;
}

const binary: ObjectiveFunction = {
  name: 'binary',
  metric: 'binary_logloss',
  initScore(y) {
    const p = Math.min(Math.max(mean(y), 1e-15), 1 - 1e-15);
    return Math.log(p / (1 - p));
  },
  gradients(y, s, g, h) {
    for (let i = 0; i < y.length; i++) {
      const p = 1 / (1 + Math.exp(-(s[i] as number)));
      g[i] = p - (y[i] as number);
      h[i] = Math.max(p * (1 - p), 1e-16);
    }
  },
  transform: sigmoid,
  loss(y, s) {
    return binaryLogloss(y, s.map(sigmoid));
  },
  renewQuantile: undefined,
};

const regression: ObjectiveFunction = {
  name: 'regression',
  metric: 'l2',
  initScore: mean,
  gradients(y, s, g, h) {
    for (let i = 0; i < y.length; i++) {
      g[i] = (s[i] as number) - (y[i] as number);
      h[i] = 1;
    }
  },
  transform: (x) => x,
  loss(y, s) {
    let e = 0;
    for (let i = 0; i < y.length; i++) e += ((s[i] as number) - (y[i] as number)) ** 2;
    return e / y.length;
  },
  renewQuantile: undefined,
};

function quantile(alpha: number): ObjectiveFunction {
  return {
    name: 'quantile',
    metric: 'quantile',
    initScore: (y) => quantileOf(y.slice(), alpha),
    gradients(y, s, g, h) {
      for (let i = 0; i < y.length; i++) {
        g[i] = (s[i] as number) >= (y[i] as number) ? 1 - alpha : -alpha;
        h[i] = 1;
      }
    },
    transform: (x) => x,
    loss(y, s) {
      let e = 0;
      for (let i = 0; i < y.length; i++) {
        const d = (y[i] as number) - (s[i] as number);
        e += d >= 0 ? alpha * d : (alpha - 1) * d;
      }
      return e / y.length;
    },
    renewQuantile: alpha,
  };
}

export function objectiveFor(name: Objective, alpha: number): ObjectiveFunction {
  if (name === 'binary') return binary;
  if (name === 'regression') return regression;
  return quantile(alpha);
}
