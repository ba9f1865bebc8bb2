import { batchValues, checkPeriod, Indicator, RingBuffer } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * Simple moving average: the mean of the last `period` values.
 * @see TA-Lib TA_SMA (lookback period - 1)
 */
export class Sma extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['sma'] as const;
  readonly period: number;
  readonly #window: RingBuffer;
  #sum = 0;

  constructor(period = 20) {
    super();
    this.period = checkPeriod('sma period', period);
    this.warmup = period;
    this.#window = new RingBuffer(period);
  }

  protected step(x: number): void {
    const out = this.#window.push(x);
    this.#sum += x;
    if (!Number.isNaN(out)) this.#sum -= out;
  }

  protected current(): number {
    return this.#sum / this.period;
  }

  protected clear(): void {
    this.#window.clear();
    this.#sum = 0;
  }
}

export function sma(values: ArrayLike<number>, period = 20): Float64Array {
  return batchValues(new Sma(period), values)[0] as Float64Array;
}

export const smaDef: IndicatorDef = {
  key: 'sma',
  title: 'Simple moving average',
  input: 'value',
  params: [{ name: 'period', default: 20, min: 1, integer: true }],
  outputs: ['sma'],
  talib: 'SMA',
  source: 'TA-Lib TA_SMA',
  create: ([period]) => new Sma(period),
};
