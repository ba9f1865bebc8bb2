import type { FeatureDef, FeatureInput } from './feature.js';
import { featureStep, type FeatureStep, type StepInput } from './stream-steps.js';

/**
 * Features whose value at bar t is a function of bars [t - warmup, t] only, computed by kernels
 * that start afresh at each window (no running sum, no recursion seeded at bar 0): their batch
 * computation over the last `warmup + 1` bars gives bit for bit the value over the whole history.
 * test/analytics/features/stream.test.ts checks every feature listed here against the batch at
 * every bar. The others (EMA and Wilder recursions, running-sum SMAs and moments, cumulative
 * OBV) depend on older bars, at least in their last bits: they are carried forward bar by bar by
 * their streaming steps (stream-steps.ts), which repeat the batch's recursion in its order. A
 * feature with neither is computed over the whole history: exact, but O(bars) per bar.
 */
export const WINDOWED_FEATURES: ReadonlySet<string> = new Set([
  'ret_1d',
  'ret_5d',
  'ret_20d',
  'log_ret_1d',
  'overnight_ret',
  'intraday_ret',
  'hl_range_pct',
  'ret_1d_z_60',
  'ret_1d_w252',
  'hl_range_z_60',
  'mom_12_1',
  'williams_r_14',
  'vwap_dist_20',
  'downside_dev_20',
  'max_dd_60',
  'ret_skew_60',
  'volume_z_20',
  'rel_volume_20',
  'log_dollar_volume',
  'volume_ratio_5_60',
  'up_volume_ratio_20',
  'rs_20',
  'rs_60',
  'corr_60',
  'beta_60',
  'resid_vol_60',
  'amihud_20',
  'cs_spread',
  'cs_spread_20',
  'clv',
  'roll_spread_20',
  'body_ratio',
  'vol_pctile_252',
  'trend_state',
  'drawdown_252',
  'dd_regime_252',
  'efficiency_ratio_20',
  'adv_20',
  'capacity_1pct_20',
]);

const FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume', 'benchmarkClose'] as const;
type Field = (typeof FIELDS)[number];

/** One bar as the stream takes it; `benchmarkClose` NaN when the benchmark has no bar then. */
export interface StreamBar {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly benchmarkClose?: number;
}

/**
 * The latest value of each of a set of features as a symbol's bars arrive, equal to the column
 * `momentic features build` writes at that bar (the features' own batch definitions, read at the
 * last index). Bars are kept in growing typed arrays (amortized O(1) per bar); a windowed feature
 * costs O(window) per bar instead of O(bars).
 */
export class FeatureStream {
  readonly #defs: readonly FeatureDef[];
  /** Bars each feature reads back (Infinity: the whole history). */
  readonly #spans: readonly number[];
  readonly #periodsPerYear: number;
  readonly #cols = new Map<Field, Float64Array>();
  /** Per feature: its streaming step, fed every bar (undefined: computed from the bars in `latest`). */
  #steps: (FeatureStep | undefined)[] = [];
  /** Per feature with a step: its value at the latest bar. */
  readonly #stepped: Float64Array;
  /** The bar handed to the steps, reused (no allocation per bar). */
  readonly #bar = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  #n = 0;

  constructor(defs: readonly FeatureDef[], periodsPerYear: number) {
    this.#defs = defs;
    this.#spans = defs.map((d) => (WINDOWED_FEATURES.has(d.name) ? d.warmup + 1 : Infinity));
    this.#periodsPerYear = periodsPerYear;
    for (const f of FIELDS) this.#cols.set(f, new Float64Array(256));
    this.#stepped = new Float64Array(defs.length).fill(Number.NaN);
    this.#newSteps();
  }

  #newSteps(): void {
    this.#steps = this.#defs.map((d) =>
      WINDOWED_FEATURES.has(d.name) ? undefined : featureStep(d, this.#periodsPerYear),
    );
    this.#stepped.fill(Number.NaN);
  }

  get length(): number {
    return this.#n;
  }

  /** The time of the latest bar, NaN before the first. */
  get lastTs(): number {
    return this.#n === 0 ? Number.NaN : (this.#col('ts')[this.#n - 1] as number);
  }

  /** Forgets the bars. */
  clear(): void {
    this.#n = 0;
    this.#newSteps();
  }

  push(bar: StreamBar): void {
    if (this.#n === this.#col('ts').length) {
      for (const f of FIELDS) {
        const grown = new Float64Array(this.#n * 2);
        grown.set(this.#col(f));
        this.#cols.set(f, grown);
      }
    }
    const i = this.#n++;
    this.#col('ts')[i] = bar.ts;
    this.#col('open')[i] = bar.open;
    this.#col('high')[i] = bar.high;
    this.#col('low')[i] = bar.low;
    this.#col('close')[i] = bar.close;
    this.#col('volume')[i] = bar.volume;
    this.#col('benchmarkClose')[i] = bar.benchmarkClose ?? Number.NaN;
    const b = this.#bar;
    b.ts = bar.ts;
    b.open = bar.open;
    b.high = bar.high;
    b.low = bar.low;
    b.close = bar.close;
    b.volume = bar.volume;
    const input: StepInput = {
      bar: b,
      t: i,
      close: this.#col('close'),
      low: this.#col('low'),
      volume: this.#col('volume'),
    };
    this.#steps.forEach((step, c) => {
      if (step !== undefined) this.#stepped[c] = step(input);
    });
  }

  /** Writes the features' values at the latest bar into `out` (NaN during their warm-up). */
  latest(out: Float64Array): void {
    const n = this.#n;
    this.#defs.forEach((d, c) => {
      if (n === 0) {
        out[c] = Number.NaN;
        return;
      }
      if (this.#steps[c] !== undefined) {
        out[c] = this.#stepped[c] as number;
        return;
      }
      const from = Math.max(0, n - (this.#spans[c] as number));
      out[c] = d.compute(this.#input(from, n))[n - 1 - from] as number;
    });
  }

  #col(f: Field): Float64Array {
    return this.#cols.get(f) as Float64Array;
  }

  #input(from: number, to: number): FeatureInput {
    const v = (f: Field): Float64Array => this.#col(f).subarray(from, to);
    return {
      ts: v('ts'),
      open: v('open'),
      high: v('high'),
      low: v('low'),
      close: v('close'),
      volume: v('volume'),
      benchmarkClose: v('benchmarkClose'),
      periodsPerYear: this.#periodsPerYear,
    };
  }
}
