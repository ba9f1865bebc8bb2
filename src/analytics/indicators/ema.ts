import { batchValues, checkPeriod, Indicator } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * Exponential moving average with k = 2 / (period + 1), seeded with the simple mean of the first
 * `period` values, as TA-Lib does by default.
 * @see TA-Lib TA_EMA (lookback period - 1)
 */
export class Ema extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['ema'] as const;
  readonly period: number;
  readonly k: number;
  #n = 0;
  #seedSum = 0;
  #ema = Number.NaN;

  constructor(period = 20, k = 2 / (period + 1)) {
    super();
    this.period = checkPeriod('ema period', period);
    this.k = k;
    this.warmup = period;
  }

  protected step(x: number): void {
    if (this.#n < this.period) {
      this.#n++;
      this.#seedSum += x;
      if (this.#n === this.period) this.#ema = this.#seedSum / this.period;
      return;
    }
    this.#ema += this.k * (x - this.#ema);
  }

  protected current(): number {
    return this.#ema;
  }

  protected clear(): void {
    this.#n = 0;
    this.#seedSum = 0;
    this.#ema = Number.NaN;
  }
}

export function ema(values: ArrayLike<number>, period = 20): Float64Array {
  return batchValues(new Ema(period), values)[0] as Float64Array;
}

export const emaDef: IndicatorDef = {
  key: 'ema',
  title: 'Exponential moving average',
  input: 'value',
  params: [{ name: 'period', default: 20, min: 1, integer: true }],
  outputs: ['ema'],
  talib: 'EMA',
  source: 'TA-Lib TA_EMA (seeded with the simple mean of the first period values)',
  create: ([period]) => new Ema(period),
};
