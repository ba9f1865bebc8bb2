import { batchValues, checkPeriod, Indicator, RingBuffer } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * Weighted moving average: weights 1..period, the newest value weighing `period`, divided by
 * period * (period + 1) / 2. O(1) per update with TA-Lib's two running sums: `periodSum` (the
 * weighted sum) and `periodSub` (the plain sum subtracted to shift every weight down by one),
 * accumulated in the same order as TA-Lib so the values agree to the last bits.
 * @see TA-Lib TA_WMA (lookback period - 1; period 2..100000)
 */
export class Wma extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['wma'] as const;
  readonly period: number;
  readonly #divider: number;
  readonly #window: RingBuffer;
  #periodSum = 0;
  #periodSub = 0;
  #trailing = 0;
  #wma = Number.NaN;

  constructor(period = 20) {
    super();
    this.period = checkPeriod('wma period', period, 2);
    this.warmup = period;
    this.#divider = (period * (period + 1)) / 2;
    this.#window = new RingBuffer(period);
  }

  protected step(x: number): void {
    this.#window.push(x);
    if (this.count < this.period) {
      this.#periodSub += x;
      this.#periodSum += x * this.count;
      return;
    }
    this.#periodSub += x;
    this.#periodSub -= this.#trailing;
    this.#periodSum += x * this.period;
    // The oldest value of this window leaves at the next update.
    this.#trailing = this.#window.at(0);
    this.#wma = this.#periodSum / this.#divider;
    this.#periodSum -= this.#periodSub;
  }

  protected current(): number {
    return this.#wma;
  }

  protected clear(): void {
    this.#window.clear();
    this.#periodSum = 0;
    this.#periodSub = 0;
    this.#trailing = 0;
    this.#wma = Number.NaN;
  }
}

export function wma(values: ArrayLike<number>, period = 20): Float64Array {
  return batchValues(new Wma(period), values)[0] as Float64Array;
}

export const wmaDef: IndicatorDef = {
  key: 'wma',
  title: 'Weighted moving average',
  input: 'value',
  params: [{ name: 'period', default: 20, min: 2, integer: true }],
  outputs: ['wma'],
  talib: 'WMA',
  source: 'TA-Lib TA_WMA (linear weights 1..period, newest heaviest)',
  create: ([period]) => new Wma(period),
};
