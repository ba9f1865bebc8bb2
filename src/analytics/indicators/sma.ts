import { BATCH_CHUNK, checkPeriod, Indicator, outputArray, RingBuffer } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * One step of a running window sum in TA-Lib's order: subtract the value leaving the window (0
 * while it fills), then add the one entering, so SMA is bit-identical to TA_SMA. The streaming
 * class and the batch loop both step through here, so they round identically.
 */
export function slideSum(sum: number, entering: number, leaving: number): number {
  return sum - leaving + entering;
}

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
    const leaving = this.#window.push(x);
    this.#sum = slideSum(this.#sum, x, this.seen > this.period ? leaving : 0);
  }

  protected current(): number {
    return this.#sum / this.period;
  }

  protected clear(): void {
    this.#window.clear();
    this.#sum = 0;
  }
}

/**
 * SMA of a whole series, bit for bit what `Sma` gives one value at a time; the window is read
 * from `values` itself (no ring buffer). `out`, if given, receives the result (length n).
 */
export function sma(values: ArrayLike<number>, period = 20, out?: Float64Array): Float64Array {
  checkPeriod('sma period', period);
  const n = values.length;
  const o = outputArray(out, n, 'sma');
  const fill = Math.min(period, n);
  let sum = 0;
  for (let i = 0; i < fill; i++) {
    sum = slideSum(sum, values[i] as number, 0);
    o[i] = Number.NaN;
  }
  if (n < period) return o;
  o[period - 1] = sum / period;
  const state = Float64Array.of(sum);
  for (let from = period; from < n; from += BATCH_CHUNK)
    smaSteady(values, o, period, from, Math.min(from + BATCH_CHUNK, n), state);
  return o;
}

/** `sma` over [from, to) in the steady state; state [sum] (see BATCH_CHUNK). */
function smaSteady(
  values: ArrayLike<number>,
  o: Float64Array,
  period: number,
  from: number,
  to: number,
  state: Float64Array,
): void {
  let sum = state[0] as number;
  for (let i = from; i < to; i++) {
    sum = slideSum(sum, values[i] as number, values[i - period] as number);
    o[i] = sum / period;
  }
  state[0] = sum;
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
