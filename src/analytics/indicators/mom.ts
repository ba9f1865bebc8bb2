import { batchValues, checkPeriod, Indicator, RingBuffer } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * Momentum: x[t] - x[t-period], in price units (not normalised).
 * @see TA-Lib TA_MOM (lookback period; period 1..100000)
 */
export class Mom extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['mom'] as const;
  readonly period: number;
  readonly #window: RingBuffer;
  #mom = Number.NaN;

  constructor(period = 10) {
    super();
    this.period = checkPeriod('mom period', period, 1);
    this.warmup = period + 1;
    this.#window = new RingBuffer(period);
  }

  protected step(x: number): void {
    // Once full, push hands back x[t - period].
    this.#mom = x - this.#window.push(x);
  }

  protected current(): number {
    return this.#mom;
  }

  protected clear(): void {
    this.#window.clear();
    this.#mom = Number.NaN;
  }
}

export function mom(values: ArrayLike<number>, period = 10): Float64Array {
  return batchValues(new Mom(period), values)[0] as Float64Array;
}

export const momDef: IndicatorDef = {
  key: 'mom',
  title: 'momentum',
  input: 'value',
  params: [{ name: 'period', default: 10, min: 1, integer: true }],
  outputs: ['mom'],
  talib: 'MOM',
  source: 'TA-Lib TA_MOM: price - prevPrice',
  create: ([period]) => new Mom(period),
};
