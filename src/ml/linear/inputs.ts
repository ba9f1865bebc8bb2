/** The checks both linear models make on their training data. */
import { DataError } from '../../core/errors.js';
import { checkFinite, checkNumber, checkSameLength } from '../check.js';
import { type FeatureMatrix } from '../matrix.js';

export interface LinearFitOptions {
  /** λ >= 0: the L2 penalty on the coefficients (never on the intercept). */
  readonly lambda: number;
  /** Fit an intercept (default true). */
  readonly intercept?: boolean;
  /** One weight >= 0 per sample (e.g. average uniqueness); default all 1. */
  readonly sampleWeight?: ArrayLike<number>;
}

export function checkFitInputs(X: FeatureMatrix, y: ArrayLike<number>, o: LinearFitOptions): Float64Array {
  checkSameLength('feature rows', { length: X.rows }, 'y', y);
  checkFinite('y', y);
  checkNumber('lambda', o.lambda, 0, Number.MAX_VALUE, false, 'pass an L2 penalty >= 0, e.g. 1');
  if (X.rows === 0) {
    throw new DataError('DATA_INVALID', 'no training samples', {
      hint: 'check the split: every training sample was purged or embargoed',
      context: { key: 'y', value: '0' },
    });
  }
  const w = o.sampleWeight ?? new Float64Array(X.rows).fill(1);
  checkSameLength('y', y, 'sampleWeight', w);
  for (let i = 0; i < w.length; i++) {
    if (!(w[i]! >= 0 && w[i]! < Infinity)) {
      throw new DataError('DATA_INVALID', `sampleWeight[${i}] is ${w[i]}: weights must be finite and >= 0`, {
        hint: 'pass non-negative weights such as average uniqueness',
        context: { key: 'sampleWeight', row: i },
      });
    }
  }
  return Float64Array.from(w);
}

/** X·β + b for every row. */
export function linearScores(X: FeatureMatrix, coef: Float64Array, intercept: number): Float64Array {
  if (X.cols !== coef.length) {
    throw new DataError('DATA_INVALID', `the matrix has ${X.cols} features, the model was fitted on ${coef.length}`, {
      hint: 'predict with the same feature columns, in the same order, as the model was trained on',
      context: { key: 'features', value: String(X.cols) },
    });
  }
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let s = intercept;
    for (let j = 0; j < X.cols; j++) s += X.data[i * X.cols + j]! * coef[j]!;
    out[i] = s;
  }
  return out;
}
