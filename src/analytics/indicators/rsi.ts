import { batchValues, checkPeriod, Indicator } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * TA-Lib's zero test (TA_IS_ZERO in ta_utility.h of releases 0.4.0 to 0.6.x): |v| < 1e-8.
 * RSI reads 0 (not 50) when the smoothed gain plus loss is that small, e.g. on a flat series.
 */
const TALIB_EPSILON = 1e-8;

/**
 * Relative strength index (Wilder 1978): 100 * avgGain / (avgGain + avgLoss), the averages seeded
 * with the simple mean of the first `period` changes and then smoothed as
 * avg = (avg * (period - 1) + change) / period.
 * @see J. Welles Wilder, New Concepts in Technical Trading Systems (1978)
 * @see TA-Lib TA_RSI, default compatibility, unstable period 0 (lookback period)
 */
export class Rsi extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['rsi'] as const;
  readonly period: number;
  #n = 0;
  #prev = Number.NaN;
  #gain = 0;
  #loss = 0;

  constructor(period = 14) {
    super();
    this.period = checkPeriod('rsi period', period, 2);
    this.warmup = period + 1;
  }

  protected step(x: number): void {
    const n = this.#n++;
    const change = x - this.#prev;
    this.#prev = x;
    if (n === 0) return;
    const p = this.period;
    if (n > p) {
      this.#loss *= p - 1;
      this.#gain *= p - 1;
    }
    if (change < 0) this.#loss -= change;
    else this.#gain += change;
    if (n >= p) {
      this.#loss /= p;
      this.#gain /= p;
    }
  }

  protected current(): number {
    const total = this.#gain + this.#loss;
    return total > -TALIB_EPSILON && total < TALIB_EPSILON ? 0 : 100 * (this.#gain / total);
  }

  protected clear(): void {
    this.#n = 0;
    this.#prev = Number.NaN;
    this.#gain = 0;
    this.#loss = 0;
  }
}

export function rsi(values: ArrayLike<number>, period = 14): Float64Array {
  return batchValues(new Rsi(period), values)[0] as Float64Array;
}

export const rsiDef: IndicatorDef = {
  key: 'rsi',
  title: 'Relative strength index',
  input: 'value',
  params: [{ name: 'period', default: 14, min: 2, integer: true }],
  outputs: ['rsi'],
  talib: 'RSI',
  source: 'Wilder 1978, New Concepts in Technical Trading Systems; TA-Lib TA_RSI',
  create: ([period]) => new Rsi(period),
};
