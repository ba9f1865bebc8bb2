/**
 * Ridge regression: minimises Σ wᵢ (yᵢ - b - xᵢ·β)² + λ‖β‖², solved in closed form. With an
 * intercept the data are centred on their weighted means first, so b is not penalised:
 * β = (XcᵀWXc + λI)⁻¹ XcᵀW yc, b = ȳ - x̄·β.
 *
 * @see A. Hoerl, R. Kennard, "Ridge Regression: Biased Estimation for Nonorthogonal Problems",
 *   Technometrics 12(1), 1970; T. Hastie et al., The Elements of Statistical Learning, 3.4.1.
 */
import { DataError } from '../../core/errors.js';
import { choleskySolve, type FeatureMatrix } from '../matrix.js';
import { checkFitInputs, linearScores, type LinearFitOptions } from './inputs.js';

export class RidgeModel {
  constructor(
    readonly coef: Float64Array,
    readonly intercept: number,
  ) {}

  predict(X: FeatureMatrix): Float64Array {
    return linearScores(X, this.coef, this.intercept);
  }
}

export function fitRidge(X: FeatureMatrix, y: ArrayLike<number>, o: LinearFitOptions): RidgeModel {
  const w = checkFitInputs(X, y, o);
  const p = X.cols;
  const n = X.rows;
  const withIntercept = o.intercept ?? true;
  const xMean = new Float64Array(p);
  let yMean = 0;
  if (withIntercept) {
    let sw = 0;
    for (let i = 0; i < n; i++) {
      sw += w[i]!;
      yMean += w[i]! * y[i]!;
      for (let j = 0; j < p; j++) xMean[j]! += w[i]! * X.data[i * p + j]!;
    }
    if (!(sw > 0)) throw noWeight();
    yMean /= sw;
    for (let j = 0; j < p; j++) xMean[j]! /= sw;
  }
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  const xi = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) xi[j] = X.data[i * p + j]! - xMean[j]!;
    const yi = y[i]! - yMean;
    for (let j = 0; j < p; j++) {
      b[j]! += w[i]! * xi[j]! * yi;
      for (let k = 0; k <= j; k++) a[j * p + k]! += w[i]! * xi[j]! * xi[k]!;
    }
  }
  for (let j = 0; j < p; j++) {
    a[j * p + j]! += o.lambda;
    for (let k = 0; k < j; k++) a[k * p + j] = a[j * p + k]!;
  }
  const coef = p === 0 ? new Float64Array(0) : choleskySolve(a, b, p);
  if (coef === undefined) {
    throw new DataError('DATA_INVALID', 'ridge: the features are collinear (or constant) and lambda is 0', {
      hint: 'pass lambda > 0, or drop the duplicated or constant feature',
      context: { key: 'lambda', value: String(o.lambda) },
    });
  }
  let intercept = yMean;
  for (let j = 0; j < p; j++) intercept -= xMean[j]! * coef[j]!;
  return new RidgeModel(coef, intercept);
}

export function noWeight(): DataError {
  return new DataError('DATA_INVALID', 'every sample weight is 0', {
    hint: 'give at least one training sample a weight above 0',
    context: { key: 'sampleWeight' },
  });
}
