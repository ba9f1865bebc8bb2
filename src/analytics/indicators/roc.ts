import { batchValues, checkPeriod, Indicator, RingBuffer } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * Rate of change in percent: ((x[t] / x[t-period]) - 1) * 100, and 0 when x[t-period] is 0 (as
 * TA-Lib, which tests for exactly 0.0).
 * @see TA-Lib TA_ROC (lookback period; period 1..100000)
 */
export class Roc extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['roc'] as const;
  readonly period: number;
  readonly #window: RingBuffer;
  #roc = Number.NaN;

  constructor(period = 10) {
    super();
    this.period = checkPeriod('roc period', period, 1);
    this.warmup = period + 1;
    this.#window = new RingBuffer(period);
  }

  protected step(x: number): void {
    // Once full, push hands back x[t - period].
    const prev = this.#window.push(x);
    this.#roc = prev !== 0.0 ? (x / prev - 1.0) * 100.0 : 0.0;
  }

  protected current(): number {
    return this.#roc;
  }

  protected clear(): void {
    this.#window.clear();
    this.#roc = Number.NaN;
  }
}

export function roc(values: ArrayLike<number>, period = 10): Float64Array {
  return batchValues(new Roc(period), values)[0] as Float64Array;
}

export const rocDef: IndicatorDef = {
  key: 'roc',
  title: 'Rate of change (percent)',
  input: 'value',
  params: [{ name: 'period', default: 10, min: 1, integer: true }],
  outputs: ['roc'],
  talib: 'ROC',
  source: 'TA-Lib TA_ROC: ((price / prevPrice) - 1) * 100',
  create: ([period]) => new Roc(period),
};
