/**
 * L2-regularised logistic regression by Newton's method (IRLS) with a backtracking line search:
 * minimises Σ wᵢ [log(1 + e^{zᵢ}) - yᵢ zᵢ] + λ/2 ‖β‖², zᵢ = b + xᵢ·β, y ∈ {0, 1}; the intercept
 * is not penalised. Deterministic (no random start); converges when the largest gradient entry
 * is below `tolerance` times the total weight.
 *
 * @see T. Hastie et al., The Elements of Statistical Learning, 2nd ed., section 4.4.1 (IRLS).
 */
import { DataError } from '../../core/errors.js';
import { checkBinary, checkInteger, checkNumber } from '../check.js';
import { choleskySolve, type FeatureMatrix } from '../matrix.js';
import { checkFitInputs, linearScores, type LinearFitOptions } from './inputs.js';
import { noWeight } from './ridge.js';

export interface LogisticOptions extends LinearFitOptions {
  /** Newton steps at most (default 100). */
  readonly maxIterations?: number;
  /** Stop when max |gradient| <= tolerance · Σw (default 1e-10). */
  readonly tolerance?: number;
}

export class LogisticModel {
  constructor(
    readonly coef: Float64Array,
    readonly intercept: number,
    /** Newton steps taken, and whether the gradient reached the tolerance. */
    readonly iterations: number,
    readonly converged: boolean,
  ) {}

  /** The log-odds b + x·β. */
  decisionFunction(X: FeatureMatrix): Float64Array {
    return linearScores(X, this.coef, this.intercept);
  }

  /** P(y = 1 | x). */
  predictProba(X: FeatureMatrix): Float64Array {
    return this.decisionFunction(X).map(sigmoid);
  }

  /** 1 where P(y = 1 | x) > threshold (default 0.5), else 0. */
  predict(X: FeatureMatrix, threshold = 0.5): Float64Array {
    return this.predictProba(X).map((q) => (q > threshold ? 1 : 0));
  }
}

export function fitLogistic(X: FeatureMatrix, y: ArrayLike<number>, o: LogisticOptions): LogisticModel {
  const w = checkFitInputs(X, y, o);
  checkBinary('y', y);
  const maxIterations = o.maxIterations ?? 100;
  checkInteger('maxIterations', maxIterations, 1);
  const tolerance = o.tolerance ?? 1e-10;
  checkNumber('tolerance', tolerance, 0, 1);
  const n = X.rows;
  const p = X.cols;
  const withIntercept = o.intercept ?? true;
  const d = p + (withIntercept ? 1 : 0); // θ = [β, b]
  let totalWeight = 0;
  for (let i = 0; i < n; i++) totalWeight += w[i]!;
  if (!(totalWeight > 0)) throw noWeight();
  const x = (i: number, j: number): number => (j < p ? X.data[i * p + j]! : 1);
  const objective = (theta: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const z = score(theta, i);
      f += w[i]! * (softplus(z) - y[i]! * z);
    }
    for (let j = 0; j < p; j++) f += 0.5 * o.lambda * theta[j]! ** 2;
    return f;
  };
  const score = (theta: Float64Array, i: number): number => {
    let z = 0;
    for (let j = 0; j < d; j++) z += x(i, j) * theta[j]!;
    return z;
  };
  let theta = new Float64Array(d);
  let f = objective(theta);
  let iterations = 0;
  let converged = false;
  for (; iterations <= maxIterations; iterations++) {
    const g = new Float64Array(d);
    const h = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      const q = sigmoid(score(theta, i));
      const r = w[i]! * (q - y[i]!);
      const c = w[i]! * q * (1 - q);
      for (let j = 0; j < d; j++) {
        const xj = x(i, j);
        g[j]! += r * xj;
        for (let k = 0; k <= j; k++) h[j * d + k]! += c * xj * x(i, k);
      }
    }
    let gmax = 0;
    for (let j = 0; j < d; j++) {
      if (j < p) {
        g[j]! += o.lambda * theta[j]!;
        h[j * d + j]! += o.lambda;
      }
      for (let k = 0; k < j; k++) h[k * d + j] = h[j * d + k]!;
      gmax = Math.max(gmax, Math.abs(g[j]!));
    }
    if (gmax <= tolerance * totalWeight) {
      converged = true;
      break;
    }
    if (iterations === maxIterations) break;
    const step = choleskySolve(h, g, d);
    if (step === undefined) {
      throw new DataError(
        'DATA_INVALID',
        'logistic regression: the Hessian is singular (collinear or constant features, or separable classes with lambda 0)',
        {
          hint: 'pass lambda > 0, or drop the duplicated or constant feature',
          context: { key: 'lambda', value: String(o.lambda) },
        },
      );
    }
    // Backtracking: halve the Newton step until the objective does not rise.
    let t = 1;
    let next = theta;
    let fNext = f;
    for (let halvings = 0; halvings < 50; halvings++, t /= 2) {
      next = theta.map((v, j) => v - t * step[j]!);
      fNext = objective(next);
      if (fNext <= f) break;
    }
    if (!(fNext <= f)) break;
    theta = next;
    f = fNext;
  }
  return new LogisticModel(theta.slice(0, p), withIntercept ? theta[p]! : 0, iterations, converged);
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
