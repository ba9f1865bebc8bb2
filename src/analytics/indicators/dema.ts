import { Ema } from './ema.js';
import { batchValues, checkPeriod, Indicator } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * Double exponential moving average (Mulloy): 2 * EMA1 - EMA2, where EMA2 is the EMA of EMA1.
 * Each EMA is seeded with the simple mean of its first `period` inputs as TA-Lib does, so EMA2
 * starts on EMA1's period-th value and the first DEMA comes after 2 * (period - 1) inputs.
 * @see P. G. Mulloy, "Smoothing Data With Faster Moving Averages", Stocks & Commodities 12:1 (1994)
 * @see TA-Lib TA_DEMA (lookback 2 * (period - 1); period 2..100000)
 */
export class Dema extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['dema'] as const;
  readonly period: number;
  readonly #ema1: Ema;
  readonly #ema2: Ema;
  #dema = Number.NaN;

  constructor(period = 20) {
    super();
    this.period = checkPeriod('dema period', period, 2);
    this.warmup = 2 * (period - 1) + 1;
    this.#ema1 = new Ema(period);
    this.#ema2 = new Ema(period);
  }

  protected step(x: number): void {
    const e1 = this.#ema1.update(x);
    if (!this.#ema1.isReady) return;
    const e2 = this.#ema2.update(e1);
    if (this.#ema2.isReady) this.#dema = 2.0 * e1 - e2;
  }

  protected current(): number {
    return this.#dema;
  }

  protected clear(): void {
    this.#ema1.reset();
    this.#ema2.reset();
    this.#dema = Number.NaN;
  }
}

export function dema(values: ArrayLike<number>, period = 20): Float64Array {
  return batchValues(new Dema(period), values)[0] as Float64Array;
}

export const demaDef: IndicatorDef = {
  key: 'dema',
  title: 'Double exponential moving average',
  input: 'value',
  params: [{ name: 'period', default: 20, min: 2, integer: true }],
  outputs: ['dema'],
  talib: 'DEMA',
  source: 'Mulloy, Stocks & Commodities 12:1 (1994); TA-Lib TA_DEMA (SMA-seeded EMAs)',
  create: ([period]) => new Dema(period),
};
