import { batchValues, checkPeriod, Indicator, RingBuffer } from './indicator.js';
import type { IndicatorDef } from './spec.js';
import { TALIB_EPSILON } from './trange.js';

/**
 * Bollinger Bands over a simple moving average: mid = SMA(period), up = mid + nbDevUp * sd,
 * dn = mid - nbDevDn * sd, with the population standard deviation of the same window.
 *
 * TA-Lib's arithmetic is reproduced for exact parity: running sums of x and x^2 (the value
 * leaving the window is subtracted after the output is computed), variance = mean(x^2) - mid^2,
 * and sd = 0 when that variance is below TA-Lib's tolerance (1e-14), which also absorbs the tiny
 * negative variances of a flat window. (The subtraction cancels: at prices near 100 the computed
 * variance carries rounding noise of about 1e-12, so a near-flat window can show a small nonzero
 * sd; that is TA-Lib's output too.) NaN inputs poison the running sums, as in TA-Lib.
 * @see John Bollinger, Bollinger on Bollinger Bands (2001); TA-Lib TA_BBANDS with MA type SMA
 *   (lookback period - 1)
 */
export class BollingerBands extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['bb_up', 'bb_mid', 'bb_dn'] as const;
  readonly period: number;
  readonly nbDevUp: number;
  readonly nbDevDn: number;
  readonly #window: RingBuffer;
  #sum = 0;
  #sumSq = 0;
  #mid = Number.NaN;
  #sd = Number.NaN;

  constructor(period = 20, nbDevUp = 2, nbDevDn = 2) {
    super();
    this.period = checkPeriod('bbands period', period, 2);
    this.nbDevUp = checkDeviation('bbands nbdevup', nbDevUp);
    this.nbDevDn = checkDeviation('bbands nbdevdn', nbDevDn);
    this.warmup = period;
    this.#window = new RingBuffer(period);
  }

  protected step(x: number): void {
    const w = this.#window;
    w.push(x);
    this.#sum += x;
    this.#sumSq += x * x;
    if (!w.isFull) return;
    this.#mid = this.#sum / this.period;
    let variance = this.#sumSq / this.period;
    const oldest = w.at(0);
    this.#sum -= oldest;
    this.#sumSq -= oldest * oldest;
    variance -= this.#mid * this.#mid;
    this.#sd = variance < TALIB_EPSILON ? 0 : Math.sqrt(variance);
  }

  protected current(i: number): number {
    if (i === 1) return this.#mid;
    return i === 0 ? this.#mid + this.#sd * this.nbDevUp : this.#mid - this.#sd * this.nbDevDn;
  }

  protected clear(): void {
    this.#window.clear();
    this.#sum = 0;
    this.#sumSq = 0;
    this.#mid = Number.NaN;
    this.#sd = Number.NaN;
  }
}

/** Throws a RangeError for a band width that is not a finite number >= 0. */
function checkDeviation(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  return value;
}

export interface Bands {
  readonly up: Float64Array;
  readonly mid: Float64Array;
  readonly dn: Float64Array;
}

export function bbands(values: ArrayLike<number>, period = 20, nbDevUp = 2, nbDevDn = 2): Bands {
  const [up, mid, dn] = batchValues(new BollingerBands(period, nbDevUp, nbDevDn), values) as [
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  return { up, mid, dn };
}

export const bbandsDef: IndicatorDef = {
  key: 'bbands',
  title: 'Bollinger Bands (SMA, population standard deviation)',
  input: 'value',
  params: [
    { name: 'period', default: 20, min: 2, integer: true },
    { name: 'nbdevup', default: 2, min: 0, integer: false },
    { name: 'nbdevdn', default: 2, min: 0, integer: false },
  ],
  outputs: ['bb_up', 'bb_mid', 'bb_dn'],
  talib: 'BBANDS',
  source: 'Bollinger (2001), Bollinger on Bollinger Bands; TA-Lib TA_BBANDS (matype SMA)',
  create: ([period, nbDevUp, nbDevDn]) => new BollingerBands(period, nbDevUp, nbDevDn),
};
