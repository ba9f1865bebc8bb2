/**
 * Scores an imported model over a feature matrix, reproducing its library's arithmetic: XGBoost
 * casts each feature to float32 and adds leaves in float32 from the base margin; LightGBM reads
 * doubles, treats |x| <= kZeroThreshold as 0 (its dense-row reader drops such values), and adds
 * leaves in double from 0.
 */
import { addForest } from '../trees/score.js';
import { K_ZERO_THRESHOLD } from './lightgbm-text.js';
import type { ImportedModel } from './model.js';

export interface Predictions {
  /** Raw margins, one per row (float32 values for XGBoost models). */
  readonly margin: Float64Array;
  /** The objective's transform of each margin: a probability (binary) or a value (regression). */
  readonly value: Float64Array;
}

/**
 * `x` holds `rows` rows of `model.numFeatures` columns in the model's order (NaN for missing).
 * `x` is not changed.
 */
export function predict(model: ImportedModel, x: Float64Array, rows: number): Predictions {
  const n = model.numFeatures;
  if (x.length < rows * n) throw new RangeError(`x holds ${x.length} values, fewer than ${rows} rows of ${n}`);
  const input = prepareInputs(model, x.subarray(0, rows * n));
  const margin = new Float64Array(rows);
  if (model.precision === 'float32') {
    const sum = new Float32Array(rows).fill(model.baseMargin);
    addForest(model.forest, input, n, rows, sum);
    margin.set(sum);
  } else {
    margin.fill(model.baseMargin);
    addForest(model.forest, input, n, rows, margin);
  }
  const value = margin.map((m) => model.objective.transform(m));
  return { margin, value };
}

/** A copy of `x` as the library would see it. */
export function prepareInputs(model: ImportedModel, x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  if (model.precision === 'float32') {
    for (let i = 0; i < x.length; i++) out[i] = Math.fround(x[i] as number);
  } else {
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as number;
      out[i] = Math.abs(v) <= K_ZERO_THRESHOLD ? 0 : v;
    }
  }
  return out;
}
