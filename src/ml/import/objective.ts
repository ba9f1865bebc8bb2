/**
 * The objectives whose output transform momentic reproduces, per library. Anything else is
 * refused by name rather than scored with a guessed link function.
 */
import { expf } from './expf.js';
import type { Objective } from './model.js';

const f32 = Math.fround;

/**
 * XGBoost's `common::Sigmoid(float)`: `1.0f / (1.0f + expf(-x))`, each step rounded to float32,
 * with libc's expf (expf.ts).
 * @see xgboost src/common/math.h
 */
export function xgboostSigmoid(margin: number): number {
  return f32(1 / f32(1 + expf(-margin)));
}

/**
 * XGBoost's `ProbToMargin` for logistic objectives: `-logf(1.0f / base_score - 1.0f)`, so a
 * base_score of 0.5 is a margin of 0. The file stores base_score as a probability.
 * @see xgboost src/objective/regression_loss.h (LogisticRegression::ProbToMargin)
 */
export function xgboostLogit(baseScore: number): number {
  // Math.log rounded to float32 stands in for logf: one value per model, not per row.
  return f32(-f32(Math.log(f32(f32(1 / f32(baseScore)) - 1))));
}

export interface XgboostObjective extends Objective {
  /** base_score (as the file stores it) to the margin every row's sum starts from. */
  baseMargin(baseScore: number): number;
  /** Whether base_score must lie strictly between 0 and 1. */
  readonly probabilityBase: boolean;
}

const identity = (m: number): number => m;
const logistic = (name: string, output: 'probability' | 'value'): XgboostObjective => ({
  name,
  output,
  transform: xgboostSigmoid,
  baseMargin: xgboostLogit,
  probabilityBase: true,
});
const plain = (name: string): XgboostObjective => ({
  name,
  output: 'value',
  transform: identity,
  baseMargin: f32,
  probabilityBase: false,
});

export const XGBOOST_OBJECTIVES: Readonly<Record<string, XgboostObjective>> = {
  'binary:logistic': logistic('binary:logistic', 'probability'),
  'reg:logistic': logistic('reg:logistic', 'value'),
  // Logistic base score, untransformed output: the value is the margin.
  'binary:logitraw': { ...logistic('binary:logitraw', 'value'), transform: identity },
  'reg:squarederror': plain('reg:squarederror'),
  'reg:squaredlogerror': plain('reg:squaredlogerror'),
  'reg:pseudohubererror': plain('reg:pseudohubererror'),
  'reg:absoluteerror': plain('reg:absoluteerror'),
};

/**
 * A LightGBM objective line (`binary sigmoid:1`, `regression`, `regression sqrt`), or a string
 * saying why it is refused. Conversions follow each objective's `ConvertOutput`, in double.
 * @see LightGBM src/objective/binary_objective.hpp, regression_objective.hpp
 */
export function lightgbmObjective(line: string): Objective | string {
  const [name = '', ...params] = line.trim().split(/\s+/);
  const param = (key: string): string | undefined => params.find((p) => p.startsWith(`${key}:`))?.slice(key.length + 1);
  if (name === 'binary') {
    const s = Number(param('sigmoid'));
    if (!Number.isFinite(s) || s <= 0) return `binary needs sigmoid:S with S > 0, got "${line}"`;
    return { name: line.trim(), output: 'probability', transform: (m) => 1 / (1 + Math.exp(-s * m)) };
  }
  // `regression sqrt` trained on sign(y) * sqrt(|y|): Common::Sign(x) * x * x undoes it.
  const sqrt = params.includes('sqrt');
  if (name === 'regression') {
    return sqrt
      ? { name: line.trim(), output: 'value', transform: (m) => (m > 0 ? 1 : m < 0 ? -1 : 0) * m * m }
      : { name: line.trim(), output: 'value', transform: identity };
  }
  if (['regression_l1', 'huber', 'fair', 'quantile', 'mape'].includes(name) && !sqrt) {
    return { name: line.trim(), output: 'value', transform: identity };
  }
  return `objective "${line.trim()}" is not supported`;
}

export const LIGHTGBM_SUPPORTED =
  'binary sigmoid:S, regression (also with sqrt), regression_l1, huber, fair, quantile, mape';
