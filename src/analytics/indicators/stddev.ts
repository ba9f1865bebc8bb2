import { batchValues, checkPeriod, Indicator, RingBuffer } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/** TA-Lib's `TA_IS_ZERO_OR_NEG` threshold (epsilon 1e-14 in TA-Lib 0.6). */
const TA_EPSILON = 1e-14;

/**
 * Population standard deviation of the last `period` values times `nbdev`:
 * sqrt(mean(x^2) - mean(x)^2) * nbdev, and 0 when that variance is below 1e-14 (TA-Lib's
 * TA_IS_ZERO_OR_NEG, which also absorbs small negative values left by cancellation). O(1) per
 * update with TA-Lib's running sums of x and x^2, in its order: add the new value, read the means,
 * then remove the oldest value of the window.
 * @see TA-Lib TA_STDDEV / TA_INT_VAR (lookback period - 1; period 2..100000)
 */
export class Stddev extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['stddev'] as const;
  readonly period: number;
  readonly nbdev: number;
  readonly #window: RingBuffer;
  #sum = 0;
  #sumSq = 0;
  #mean = Number.NaN;
  #variance = Number.NaN;
  #stddev = Number.NaN;

  constructor(period = 20, nbdev = 1) {
    super();
    this.period = checkPeriod('stddev period', period, 2);
    if (!Number.isFinite(nbdev)) throw new RangeError(`stddev nbdev must be a finite number, got ${nbdev}`);
    this.nbdev = nbdev;
    this.warmup = period;
    this.#window = new RingBuffer(period);
  }

  /** Mean of the current window (equal to TA-Lib's SMA), NaN before ready. */
  get mean(): number {
    return this.isReady ? this.#mean : Number.NaN;
  }

  /** Population variance of the current window as computed (may be a hair below 0), NaN before ready. */
  get variance(): number {
    return this.isReady ? this.#variance : Number.NaN;
  }

  protected step(x: number): void {
    this.#window.push(x);
    this.#sum += x;
    this.#sumSq += x * x;
    if (this.count < this.period) return;
    const mean = this.#sum / this.period;
    const meanSq = this.#sumSq / this.period;
    const oldest = this.#window.at(0);
    this.#sum -= oldest;
    this.#sumSq -= oldest * oldest;
    this.#mean = mean;
    this.#variance = meanSq - mean * mean;
    this.#stddev = this.#variance < TA_EPSILON ? 0.0 : Math.sqrt(this.#variance) * this.nbdev;
  }

  protected current(): number {
    return this.#stddev;
  }

  protected clear(): void {
    this.#window.clear();
    this.#sum = 0;
    this.#sumSq = 0;
    this.#mean = Number.NaN;
    this.#variance = Number.NaN;
    this.#stddev = Number.NaN;
  }
}

export function stddev(values: ArrayLike<number>, period = 20, nbdev = 1): Float64Array {
  return batchValues(new Stddev(period, nbdev), values)[0] as Float64Array;
}

export const stddevDef: IndicatorDef = {
  key: 'stddev',
  title: 'Standard deviation (population)',
  input: 'value',
  params: [
    { name: 'period', default: 20, min: 2, integer: true },
    { name: 'nbdev', default: 1, min: 0, integer: false },
  ],
  outputs: ['stddev'],
  talib: 'STDDEV',
  source: 'TA-Lib TA_STDDEV (population variance from running sums, times nbdev)',
  create: ([period, nbdev]) => new Stddev(period, nbdev),
};
