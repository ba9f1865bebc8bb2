/**
 * An imported tree model: what `momentic ml predict` scores. Readers (xgboost-json.ts,
 * lightgbm-text.ts) translate a library's file into a `Forest` plus the few facts needed to
 * reproduce that library's arithmetic around it.
 */
import { DataError } from '../../core/errors.js';
import type { Forest } from '../trees/forest.js';

/** How the margin becomes the reported value, in the library's own precision. */
export interface Objective {
  /** The objective as the file names it (`binary:logistic`, `binary sigmoid:1`). */
  readonly name: string;
  /** `probability` for binary classification, `value` for everything else. */
  readonly output: 'probability' | 'value';
  transform(margin: number): number;
}

export interface ImportedModel {
  readonly format: 'xgboost-json' | 'lightgbm-text' | 'momentic-gbdt';
  /** The library's arithmetic: XGBoost reads features and adds leaves in float32, LightGBM in double. */
  readonly precision: 'float32' | 'float64';
  readonly objective: Objective;
  /** Feature names the model was trained with, or undefined when it stores none (columns by position). */
  readonly featureNames: readonly string[] | undefined;
  /** Columns a row must have, in the model's order. */
  readonly numFeatures: number;
  readonly forest: Forest;
  /** Where every row's sum starts (XGBoost's base score as a margin; 0 for LightGBM). */
  readonly baseMargin: number;
}

/** A model file that cannot be read: not a model, truncated, or breaking its format. */
export function invalidModel(file: string, message: string, hint: string, at?: string): DataError {
  return new DataError('ML_MODEL_INVALID', message, {
    hint,
    context: { file, ...(at === undefined ? {} : { key: at }) },
  });
}

/** A well-formed model that uses something momentic does not score (categorical splits, multiclass). */
export function unsupportedModel(file: string, message: string, hint: string, at?: string): DataError {
  return new DataError('ML_MODEL_UNSUPPORTED', message, {
    hint,
    context: { file, ...(at === undefined ? {} : { key: at }) },
  });
}
