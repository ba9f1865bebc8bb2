/**
 * A feature is one named column computed from a symbol's bars (and optionally a benchmark's
 * closes) with PAST data only: the value at index t reads bars 0..t and nothing after. Features
 * are grouped in the nine families of seed 003. See docs/features.md for every definition.
 */

/** The nine feature families (seed 003), as column-group ids. */
export const FeatureFamily = {
  PriceReturns: 'price_returns',
  TrendMomentum: 'trend_momentum',
  MeanReversion: 'mean_reversion',
  VolatilityRisk: 'volatility_risk',
  VolumeLiquidity: 'volume_liquidity',
  CrossAsset: 'cross_asset',
  Microstructure: 'microstructure',
  Regime: 'regime',
  RiskExecution: 'risk_execution',
} as const;
export type FeatureFamily = (typeof FeatureFamily)[keyof typeof FeatureFamily];

export const FEATURE_FAMILIES: readonly FeatureFamily[] = Object.values(FeatureFamily);

/**
 * Columns of one symbol's bars (a `BarSeries` fits) plus what features need beyond bars.
 * `benchmarkClose` is aligned to the same `ts` (NaN where the benchmark has no bar); without it
 * the cross-asset features are all NaN. `periodsPerYear` annualizes volatilities
 * (252 for equity daily bars, 365 for 24/7 daily bars, 252 * 78 for 5-minute equity bars...).
 */
export interface FeatureInput {
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly benchmarkClose?: Float64Array;
  readonly periodsPerYear: number;
}

export interface FeatureDef {
  /** snake_case column name, unique in a set (`ret_1d`, `amihud_20`). */
  readonly name: string;
  readonly family: FeatureFamily;
  readonly description: string;
  /** The definition in plain notation; part of the feature-set hash. */
  readonly formula: string;
  /** Parameters the computation reads; part of the feature-set hash. */
  readonly params: Readonly<Record<string, number>>;
  /**
   * Bars before the first value on clean input: the first non-NaN index. (An indicator's
   * `warmup` counts inputs, TA-Lib lookback + 1; a feature's counts bars before, so a feature
   * equal to an indicator has warmup = indicator warmup - 1.)
   */
  readonly warmup: number;
  /** Reads `benchmarkClose`; all NaN when it is absent. */
  readonly needsBenchmark?: boolean;
  /** Where the definition comes from (paper, book, TA-Lib function). */
  readonly source: string;
  /** One value per bar, NaN during warm-up or where the inputs it needs are missing. */
  compute(input: FeatureInput): Float64Array;
}
