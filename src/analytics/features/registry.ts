import { closest } from '../../core/did-you-mean.js';
import { DataError, UsageError } from '../../core/errors.js';
import { CROSS_ASSET } from './cross-asset.js';
import type { FeatureDef, FeatureInput } from './feature.js';
import { featureSetHash } from './hash.js';
import { MEAN_REVERSION } from './mean-reversion.js';
import { MICROSTRUCTURE } from './microstructure.js';
import { PRICE_RETURNS } from './price-returns.js';
import { REGIME } from './regime.js';
import { RISK_EXECUTION } from './risk-execution.js';
import { TREND_MOMENTUM } from './trend-momentum.js';
import { VOLATILITY_RISK } from './volatility-risk.js';
import { VOLUME_LIQUIDITY } from './volume-liquidity.js';

/** Every feature, family by family in seed 003's order: the `full` set. */
export const FEATURES: readonly FeatureDef[] = [
  ...PRICE_RETURNS,
  ...TREND_MOMENTUM,
  ...MEAN_REVERSION,
  ...VOLATILITY_RISK,
  ...VOLUME_LIQUIDITY,
  ...CROSS_ASSET,
  ...MICROSTRUCTURE,
  ...REGIME,
  ...RISK_EXECUTION,
];

/** A compact, little-redundant subset covering every family (one or a few columns each). */
const DEFAULT_NAMES = [
  'ret_1d',
  'ret_5d',
  'ret_20d',
  'overnight_ret',
  'mom_12_1',
  'close_sma_50',
  'macd_hist_norm',
  'rsi_14',
  'adx_14',
  'zscore_20',
  'rvol_20',
  'yang_zhang_20',
  'volume_z_20',
  'beta_60',
  'amihud_20',
  'cs_spread_20',
  'vol_pctile_252',
  'trend_state',
  'atr_pct_14',
  'adv_20',
] as const;

const byName = (name: string): FeatureDef => {
  const def = FEATURES.find((d) => d.name === name);
  if (def === undefined) throw new Error(`default feature set names an unknown feature ${name}`);
  return def;
};

export const FEATURE_SETS = {
  default: DEFAULT_NAMES.map(byName),
  full: FEATURES,
} as const satisfies Record<string, readonly FeatureDef[]>;
export type FeatureSetName = keyof typeof FEATURE_SETS;

/** A named set, or a UsageError naming the known sets. */
export function featureSet(name: string): readonly FeatureDef[] {
  if (Object.hasOwn(FEATURE_SETS, name)) return FEATURE_SETS[name as FeatureSetName];
  const known = Object.keys(FEATURE_SETS);
  const guess = closest(name, known);
  throw new UsageError('USAGE_INVALID_OPTION', `unknown feature set "${name}"`, {
    hint: `${guess === undefined ? '' : `did you mean "${guess}"? `}known feature sets: ${known.join(', ')}`,
    context: { key: 'feature_set', value: name },
  });
}

export interface FeatureTable {
  readonly columns: string[];
  readonly values: Float64Array[];
  /** featureSetHash of the defs, in column order. */
  readonly hash: string;
}

/** Computes a set of features (by name or as defs) over one symbol's bars. */
export function computeFeatures(
  input: FeatureInput,
  set: FeatureSetName | readonly FeatureDef[] = 'default',
): FeatureTable {
  const defs = typeof set === 'string' ? featureSet(set) : set;
  checkInput(input);
  const seen = new Set<string>();
  for (const d of defs) {
    if (seen.has(d.name))
      throw new UsageError('USAGE_INVALID_OPTION', `feature ${d.name} appears twice in the set`, {
        hint: 'list each feature once; column names must be unique',
        context: { key: d.name },
      });
    seen.add(d.name);
  }
  return {
    columns: defs.map((d) => d.name),
    values: defs.map((d) => d.compute(input)),
    hash: featureSetHash(defs),
  };
}

function checkInput(input: FeatureInput): void {
  const n = input.close.length;
  const cols = { ts: input.ts, open: input.open, high: input.high, low: input.low, volume: input.volume };
  for (const [name, col] of Object.entries({ ...cols, benchmarkClose: input.benchmarkClose })) {
    if (col !== undefined && col.length !== n)
      throw new DataError('DATA_INVALID', `feature input column ${name} has ${col.length} values, close has ${n}`, {
        hint: 'give every column (and the aligned benchmark) one value per bar; align a benchmark with alignBenchmark',
        context: { column: name },
      });
  }
  if (!(input.periodsPerYear > 0))
    throw new DataError('DATA_INVALID', `periodsPerYear must be > 0, got ${input.periodsPerYear}`, {
      hint: 'use 252 for equity daily bars, 365 for 24/7 daily bars, or bars per year for intraday',
      context: { key: 'periodsPerYear', value: String(input.periodsPerYear) },
    });
}
