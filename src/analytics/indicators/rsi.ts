import { BATCH_CHUNK, checkPeriod, Indicator, outputArray } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * TA-Lib's zero test (TA_IS_ZERO in ta_utility.h of releases 0.4.0 to 0.6.x): |v| < 1e-8.
 * RSI reads 0 (not 50) when the smoothed gain plus loss is that small, e.g. on a flat series.
 */
const TALIB_EPSILON = 1e-8;

/**
 * One step of Wilder's smoothing, (prev * (period - 1) + x) / period, in TA-Lib's order of
 * operations (multiply, add, divide). Shared by RSI and ATR, streaming and batch.
 * @see Wilder (1978), New Concepts in Technical Trading Systems
 */
export function wilderNext(prev: number, x: number, period: number): number {
  return (prev * (period - 1) + x) / period;
}

/**
 * Below this magnitude (2^1023) a change doubles without overflow, so (c + |c|) / 2 is exactly c
 * or +0 and (|c| - c) / 2 exactly -c or +0. That split has no branch on the sign, which a random
 * walk mispredicts about half the time (RSI ran 1.7x faster); larger, infinite or NaN changes
 * take the plain comparison, which real data never does (a well-predicted branch).
 */
const EXACT_SPLIT = 2 ** 1023;

/** The gain part of a change: the change when it is not negative (NaN included), else 0. */
export function gainOf(change: number): number {
  const size = Math.abs(change);
  if (size < EXACT_SPLIT) return (change + size) * 0.5;
  return change < 0 ? 0 : change;
}

/** The loss part of a change, as a positive number: -change when it is negative, else 0. */
export function lossOf(change: number): number {
  const size = Math.abs(change);
  if (size < EXACT_SPLIT) return (size - change) * 0.5;
  return change < 0 ? -change : 0;
}

/** RSI from the smoothed gain and loss: 100 * gain / (gain + loss), and 0 when that sum is ~0. */
export function rsiOf(gain: number, loss: number): number {
  const total = gain + loss;
  return total > -TALIB_EPSILON && total < TALIB_EPSILON ? 0 : 100 * (gain / total);
}

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
      this.#gain = wilderNext(this.#gain, gainOf(change), p);
      this.#loss = wilderNext(this.#loss, lossOf(change), p);
      return;
    }
    // The seed: the simple mean of the first `period` changes.
    this.#gain += gainOf(change);
    this.#loss += lossOf(change);
    if (n === p) {
      this.#gain /= p;
      this.#loss /= p;
    }
  }

  protected current(): number {
    return rsiOf(this.#gain, this.#loss);
  }

  protected clear(): void {
    this.#n = 0;
    this.#prev = Number.NaN;
    this.#gain = 0;
    this.#loss = 0;
  }
}

/**
 * RSI of a whole series, bit for bit what `Rsi` gives one value at a time. `out`, if given,
 * receives the result (length n).
 */
export function rsi(values: ArrayLike<number>, period = 14, out?: Float64Array): Float64Array {
  checkPeriod('rsi period', period, 2);
  const n = values.length;
  const o = outputArray(out, n, 'rsi');
  if (n === 0) return o;
  o[0] = Number.NaN;
  const fill = Math.min(period + 1, n);
  let prev = values[0] as number;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i < fill; i++) {
    const x = values[i] as number;
    const change = x - prev;
    prev = x;
    gain += gainOf(change);
    loss += lossOf(change);
    o[i] = Number.NaN;
  }
  if (n <= period) return o;
  gain /= period;
  loss /= period;
  o[period] = rsiOf(gain, loss);
  const state = Float64Array.of(prev, gain, loss);
  for (let from = period + 1; from < n; from += BATCH_CHUNK)
    rsiSteady(values, o, period, from, Math.min(from + BATCH_CHUNK, n), state);
  return o;
}

/** `rsi` over [from, to) in the steady state; state [prev, gain, loss] (see BATCH_CHUNK). */
function rsiSteady(
  values: ArrayLike<number>,
  o: Float64Array,
  period: number,
  from: number,
  to: number,
  state: Float64Array,
): void {
  let prev = state[0] as number;
  let gain = state[1] as number;
  let loss = state[2] as number;
  for (let i = from; i < to; i++) {
    const x = values[i] as number;
    const change = x - prev;
    prev = x;
    gain = wilderNext(gain, gainOf(change), period);
    loss = wilderNext(loss, lossOf(change), period);
    o[i] = rsiOf(gain, loss);
  }
  state[0] = prev;
  state[1] = gain;
  state[2] = loss;
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
