/**
 * The learner's hyper-parameters, named and defaulted as LightGBM names and defaults them
 * (@see https://lightgbm.readthedocs.io/en/latest/Parameters.html), so a user who knows
 * LightGBM reads them without a table. docs/ml/gbdt.md explains each one.
 */
import { ConfigError } from '../../core/errors.js';

export const OBJECTIVES = ['binary', 'regression', 'quantile'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export interface GbdtParams {
  /** binary (logloss), regression (L2) or quantile (pinball loss at `alpha`). */
  readonly objective: Objective;
  /** The quantile the quantile objective fits, in (0, 1). */
  readonly alpha: number;
  readonly num_iterations: number;
  readonly learning_rate: number;
  readonly num_leaves: number;
  /** Deepest a leaf may be (the root is depth 0); <= 0 means no limit. */
  readonly max_depth: number;
  readonly min_data_in_leaf: number;
  readonly min_sum_hessian_in_leaf: number;
  readonly lambda_l1: number;
  readonly lambda_l2: number;
  readonly min_gain_to_split: number;
  /** Most bins a feature's non-missing values fall into; missing values get one more bin. */
  readonly max_bin: number;
  /** Rows sampled to find the bin edges (all rows when there are fewer). */
  readonly bin_construct_sample_cnt: number;
  /** Share of features each tree may split on, drawn anew per tree. */
  readonly feature_fraction: number;
  /** Share of rows each tree learns from, redrawn every `bagging_freq` trees (0: no bagging). */
  readonly bagging_fraction: number;
  readonly bagging_freq: number;
  /** Stop when the validation metric has not improved for this many trees (0: never). */
  readonly early_stopping_rounds: number;
  /** Start from the labels' best constant (log-odds of the mean, mean, quantile) instead of 0. */
  readonly boost_from_average: boolean;
  readonly seed: number;
}

export const DEFAULT_PARAMS: GbdtParams = {
  objective: 'regression',
  alpha: 0.9,
  num_iterations: 100,
  learning_rate: 0.1,
  num_leaves: 31,
  max_depth: -1,
  min_data_in_leaf: 20,
  min_sum_hessian_in_leaf: 1e-3,
  lambda_l1: 0,
  lambda_l2: 0,
  min_gain_to_split: 0,
  max_bin: 255,
  bin_construct_sample_cnt: 200_000,
  feature_fraction: 1,
  bagging_fraction: 1,
  bagging_freq: 0,
  early_stopping_rounds: 0,
  boost_from_average: true,
  seed: 0,
};

type Check = (v: number) => boolean;
const RULES: Record<string, readonly [Check, string]> = {
  alpha: [(v) => v > 0 && v < 1, 'a number strictly between 0 and 1'],
  num_iterations: [(v) => Number.isInteger(v) && v >= 1, 'an integer >= 1'],
  learning_rate: [(v) => v > 0, 'a number > 0'],
  num_leaves: [(v) => Number.isInteger(v) && v >= 2 && v <= 131_072, 'an integer from 2 to 131072'],
  max_depth: [Number.isInteger, 'an integer (<= 0 for no limit)'],
  min_data_in_leaf: [(v) => Number.isInteger(v) && v >= 0, 'an integer >= 0'],
  min_sum_hessian_in_leaf: [(v) => v >= 0, 'a number >= 0'],
  lambda_l1: [(v) => v >= 0, 'a number >= 0'],
  lambda_l2: [(v) => v >= 0, 'a number >= 0'],
  min_gain_to_split: [(v) => v >= 0, 'a number >= 0'],
  max_bin: [(v) => Number.isInteger(v) && v >= 2 && v <= 255, 'an integer from 2 to 255'],
  bin_construct_sample_cnt: [(v) => Number.isInteger(v) && v >= 1, 'an integer >= 1'],
  feature_fraction: [(v) => v > 0 && v <= 1, 'a number in (0, 1]'],
  bagging_fraction: [(v) => v > 0 && v <= 1, 'a number in (0, 1]'],
  bagging_freq: [(v) => Number.isInteger(v) && v >= 0, 'an integer >= 0'],
  early_stopping_rounds: [(v) => Number.isInteger(v) && v >= 0, 'an integer >= 0'],
  seed: [Number.isInteger, 'an integer'],
};

function invalid(key: string, message: string, hint: string): ConfigError {
  return new ConfigError('CONFIG_INVALID_VALUE', `gbdt parameter ${key}: ${message}`, { hint, context: { key } });
}

/** The defaults overlaid with `given`; every key and value is checked, unknown keys are refused. */
export function resolveParams(given: Partial<GbdtParams> = {}): GbdtParams {
  const out: Record<string, unknown> = { ...DEFAULT_PARAMS };
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_PARAMS)) {
      throw new ConfigError('CONFIG_UNKNOWN_KEY', `gbdt parameter ${key} is not known`, {
        hint: `use one of: ${Object.keys(DEFAULT_PARAMS).join(', ')} (LightGBM's names)`,
        context: { key },
      });
    }
    if (key === 'objective') {
      if (!OBJECTIVES.includes(value as Objective)) {
        throw invalid(key, `"${String(value)}" is not an objective`, `use one of: ${OBJECTIVES.join(', ')}`);
      }
    } else if (key === 'boost_from_average') {
      if (typeof value !== 'boolean') throw invalid(key, `${String(value)} is not a boolean`, 'use true or false');
    } else {
      const rule = RULES[key];
      if (typeof value !== 'number' || !Number.isFinite(value) || (rule !== undefined && !rule[0](value))) {
        throw invalid(key, `${String(value)} is out of range`, `use ${rule?.[1] ?? 'a finite number'}`);
      }
    }
    out[key] = value;
  }
  return out as unknown as GbdtParams;
}
