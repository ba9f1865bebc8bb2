import { BATCH_CHUNK, checkPeriod, Indicator, outputArray } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/** One EMA step, prev + k * (x - prev): TA-Lib's arithmetic, shared by `Ema`, `ema` and `macd`. */
export function emaNext(prev: number, x: number, k: number): number {
  return prev + k * (x - prev);
}

/** The default smoothing factor of an EMA of `period` values. */
export function emaK(period: number): number {
  return 2 / (period + 1);
}

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

  constructor(period = 20, k = emaK(period)) {
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
    this.#ema = emaNext(this.#ema, x, this.k);
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

/**
 * EMA of a whole series, bit for bit what `Ema` gives one value at a time. `out`, if given,
 * receives the result (length n).
 */
export function ema(values: ArrayLike<number>, period = 20, out?: Float64Array): Float64Array {
  checkPeriod('ema period', period);
  const n = values.length;
  const o = outputArray(out, n, 'ema');
  const k = emaK(period);
  const fill = Math.min(period, n);
  let seedSum = 0;
  for (let i = 0; i < fill; i++) {
    seedSum += values[i] as number;
    o[i] = Number.NaN;
  }
  if (n < period) return o;
  const seed = seedSum / period;
  o[period - 1] = seed;
  const state = Float64Array.of(seed, k);
  for (let from = period; from < n; from += BATCH_CHUNK)
    emaSteady(values, o, from, Math.min(from + BATCH_CHUNK, n), state);
  return o;
}

/** `ema` over [from, to) in the steady state; state [ema, k] (see BATCH_CHUNK). */
function emaSteady(values: ArrayLike<number>, o: Float64Array, from: number, to: number, state: Float64Array): void {
  let e = state[0] as number;
  const k = state[1] as number;
  for (let i = from; i < to; i++) {
    e = emaNext(e, values[i] as number, k);
    o[i] = e;
  }
  state[0] = e;
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
