import { BATCH_CHUNK, checkPeriod, Indicator, outputArray, RingBuffer } from './indicator.js';
import type { IndicatorDef } from './spec.js';
import { TALIB_EPSILON } from './trange.js';

/**
 * TA-Lib's band deviation from a window's mean of squares and mean: the population variance
 * mean(x^2) - mean(x)^2, and 0 when it is below TA-Lib's tolerance, else its square root.
 * Shared by `BollingerBands` and `bbands`.
 */
export function bandDeviation(meanSq: number, mean: number): number {
  const variance = meanSq - mean * mean;
  return variance < TALIB_EPSILON ? 0 : Math.sqrt(variance);
}

/**
 * Bollinger Bands over a simple moving average: mid = SMA(period), up = mid + nbDevUp * sd,
 * dn = mid - nbDevDn * sd, with the population standard deviation of the same window.
 *
 * TA-Lib's arithmetic is reproduced for exact parity: running sums of x and x^2 (the value
 * leaving the window is subtracted after the output is computed), variance = mean(x^2) - mid^2,
 * and sd = 0 when that variance is below TA-Lib's tolerance (1e-14), which also absorbs the tiny
 * negative variances of a flat window. (The subtraction cancels: at prices near 100 the computed
 * variance carries rounding noise of about 1e-12, so a near-flat window can show a small nonzero
 * sd; that is TA-Lib's output too.) NaN inputs poison the running sums, as in TA-Lib.
 * @see John Bollinger, Bollinger on Bollinger Bands (2001); TA-Lib TA_BBANDS with MA type SMA
 *   (lookback period - 1)
 */
export class BollingerBands extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['bb_up', 'bb_mid', 'bb_dn'] as const;
  readonly period: number;
  readonly nbDevUp: number;
  readonly nbDevDn: number;
  readonly #window: RingBuffer;
  #sum = 0;
  #sumSq = 0;
  #mid = Number.NaN;
  #sd = Number.NaN;

  constructor(period = 20, nbDevUp = 2, nbDevDn = 2) {
    super();
    this.period = checkPeriod('bbands period', period, 2);
    this.nbDevUp = checkDeviation('bbands nbdevup', nbDevUp);
    this.nbDevDn = checkDeviation('bbands nbdevdn', nbDevDn);
    this.warmup = period;
    this.#window = new RingBuffer(period);
  }

  protected step(x: number): void {
    const w = this.#window;
    w.push(x);
    this.#sum += x;
    this.#sumSq += x * x;
    if (!w.isFull) return;
    this.#mid = this.#sum / this.period;
    this.#sd = bandDeviation(this.#sumSq / this.period, this.#mid);
    const oldest = w.at(0);
    this.#sum -= oldest;
    this.#sumSq -= oldest * oldest;
  }

  protected current(i: number): number {
    if (i === 1) return this.#mid;
    return i === 0 ? this.#mid + this.#sd * this.nbDevUp : this.#mid - this.#sd * this.nbDevDn;
  }

  protected clear(): void {
    this.#window.clear();
    this.#sum = 0;
    this.#sumSq = 0;
    this.#mid = Number.NaN;
    this.#sd = Number.NaN;
  }
}

/** Throws a RangeError for a band width that is not a finite number >= 0. */
function checkDeviation(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  return value;
}

export interface Bands {
  readonly up: Float64Array;
  readonly mid: Float64Array;
  readonly dn: Float64Array;
}

/**
 * Bollinger Bands of a whole series, bit for bit what `BollingerBands` gives one value at a time,
 * the value leaving the window read from `values` itself. `out`, if given, receives the result
 * (three arrays of length n).
 */
export function bbands(values: ArrayLike<number>, period = 20, nbDevUp = 2, nbDevDn = 2, out?: Bands): Bands {
  checkPeriod('bbands period', period, 2);
  checkDeviation('bbands nbdevup', nbDevUp);
  checkDeviation('bbands nbdevdn', nbDevDn);
  const n = values.length;
  const up = outputArray(out?.up, n, 'bbands upper band');
  const mid = outputArray(out?.mid, n, 'bbands middle band');
  const dn = outputArray(out?.dn, n, 'bbands lower band');
  const fill = Math.min(period - 1, n);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < fill; i++) {
    const x = values[i] as number;
    sum += x;
    sumSq += x * x;
    up[i] = mid[i] = dn[i] = Number.NaN;
  }
  const state = Float64Array.of(sum, sumSq, nbDevUp, nbDevDn);
  for (let from = period - 1; from < n; from += BATCH_CHUNK)
    bandsSteady(values, up, mid, dn, period, from, Math.min(from + BATCH_CHUNK, n), state);
  return { up, mid, dn };
}

/**
 * `bbands` over [from, to) once the window is full; state [sum, sum of squares, nbDevUp,
 * nbDevDn] (see BATCH_CHUNK).
 */
function bandsSteady(
  values: ArrayLike<number>,
  up: Float64Array,
  mid: Float64Array,
  dn: Float64Array,
  period: number,
  from: number,
  to: number,
  state: Float64Array,
): void {
  let sum = state[0] as number;
  let sumSq = state[1] as number;
  const nbDevUp = state[2] as number;
  const nbDevDn = state[3] as number;
  for (let i = from; i < to; i++) {
    const x = values[i] as number;
    sum += x;
    sumSq += x * x;
    const m = sum / period;
    const sd = bandDeviation(sumSq / period, m);
    const oldest = values[i - period + 1] as number;
    sum -= oldest;
    sumSq -= oldest * oldest;
    up[i] = m + sd * nbDevUp;
    mid[i] = m;
    dn[i] = m - sd * nbDevDn;
  }
  state[0] = sum;
  state[1] = sumSq;
}

export const bbandsDef: IndicatorDef = {
  key: 'bbands',
  title: 'Bollinger Bands (SMA, population standard deviation)',
  input: 'value',
  params: [
    { name: 'period', default: 20, min: 2, integer: true },
    { name: 'nbdevup', default: 2, min: 0, integer: false },
    { name: 'nbdevdn', default: 2, min: 0, integer: false },
  ],
  outputs: ['bb_up', 'bb_mid', 'bb_dn'],
  talib: 'BBANDS',
  source: 'Bollinger (2001), Bollinger on Bollinger Bands; TA-Lib TA_BBANDS (matype SMA)',
  create: ([period, nbDevUp, nbDevDn]) => new BollingerBands(period, nbDevUp, nbDevDn),
};
