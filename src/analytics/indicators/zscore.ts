import { batchValues, checkPeriod, Indicator } from './indicator.js';
import type { IndicatorDef } from './spec.js';
import { Stddev } from './stddev.js';

/**
 * Below this share of mean^2 a window's variance is treated as zero: mean(x^2) - mean(x)^2 loses
 * about that many digits to cancellation and running-sum drift, so what is left is rounding noise.
 */
const FLAT_VARIANCE = 1e-12;

/**
 * Rolling z-score: (x - SMA(period)) / population standard deviation over the same window (the
 * window includes x). Not in TA-Lib; the mean and variance are TA-Lib's SMA and VAR (running sums,
 * see `Stddev`), so zscore * STDDEV = x - SMA up to rounding.
 *
 * Zero variance: when the variance is <= 0 or <= 1e-12 * mean^2 (a flat window, where
 * x - mean is 0 too) the z-score is 0, not NaN: the value sits exactly on its mean, and like
 * TA-Lib's degenerate cases (STDDEV, CORREL, BETA return 0) the output stays finite. NaN inputs
 * still give NaN.
 */
export class Zscore extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['zscore'] as const;
  readonly period: number;
  readonly #stddev: Stddev;
  #z = Number.NaN;

  constructor(period = 20) {
    super();
    this.period = checkPeriod('zscore period', period, 2);
    this.warmup = period;
    this.#stddev = new Stddev(period);
  }

  protected step(x: number): void {
    this.#stddev.update(x);
    if (!this.#stddev.isReady) return;
    const mean = this.#stddev.mean;
    const variance = this.#stddev.variance;
    if (Number.isNaN(variance)) this.#z = Number.NaN;
    else if (variance <= 0 || variance <= FLAT_VARIANCE * mean * mean) this.#z = 0;
    else this.#z = (x - mean) / Math.sqrt(variance);
  }

  protected current(): number {
    return this.#z;
  }

  protected clear(): void {
    this.#stddev.reset();
    this.#z = Number.NaN;
  }
}

export function zscore(values: ArrayLike<number>, period = 20): Float64Array {
  return batchValues(new Zscore(period), values)[0] as Float64Array;
}

export const zscoreDef: IndicatorDef = {
  key: 'zscore',
  title: 'Rolling z-score',
  input: 'value',
  params: [{ name: 'period', default: 20, min: 2, integer: true }],
  outputs: ['zscore'],
  source: '(x - SMA(period)) / population stddev(period); 0 on a zero-variance window (not in TA-Lib)',
  create: ([period]) => new Zscore(period),
};
