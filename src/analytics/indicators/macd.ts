import { Ema, emaK, emaNext } from './ema.js';
import { BATCH_CHUNK, checkPeriod, Indicator, outputArray } from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * Moving average convergence/divergence: EMA(fast) - EMA(slow), its EMA(signal) and the histogram
 * MACD - signal. TA-Lib's alignment: both EMAs are seeded on the same bar (slow - 1); the fast
 * EMA's seed is the simple mean of the `fast` inputs ending there, not of the first `fast` inputs,
 * so its start is shifted by slow - fast. The signal EMA is seeded with the simple mean of the
 * first `signal` MACD values. All three outputs start together at index slow + signal - 2. As in
 * TA-Lib, a slow period shorter than the fast one is swapped with it.
 * @see G. Appel, "Technical Analysis: Power Tools for Active Investors" (2005)
 * @see TA-Lib TA_MACD / TA_INT_MACD (lookback (slow - 1) + (signal - 1))
 */
export class Macd extends Indicator<number> {
  readonly warmup: number;
  readonly outputs = ['macd', 'macd_signal', 'macd_hist'] as const;
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  readonly signalPeriod: number;
  readonly #fast: Ema;
  readonly #slow: Ema;
  readonly #signal: Ema;
  #macd = Number.NaN;
  #signalValue = Number.NaN;

  constructor(fastPeriod = 12, slowPeriod = 26, signalPeriod = 9) {
    super();
    checkPeriod('macd fast period', fastPeriod, 2);
    checkPeriod('macd slow period', slowPeriod, 2);
    this.signalPeriod = checkPeriod('macd signal period', signalPeriod, 1);
    this.fastPeriod = Math.min(fastPeriod, slowPeriod);
    this.slowPeriod = Math.max(fastPeriod, slowPeriod);
    this.warmup = this.slowPeriod - 1 + (signalPeriod - 1) + 1;
    this.#fast = new Ema(this.fastPeriod);
    this.#slow = new Ema(this.slowPeriod);
    this.#signal = new Ema(signalPeriod);
  }

  protected step(x: number): void {
    // The fast EMA only starts reading at bar slow - fast, so it is seeded on bar slow - 1 too.
    if (this.count > this.slowPeriod - this.fastPeriod) this.#fast.update(x);
    this.#slow.update(x);
    if (!this.#slow.isReady) return;
    this.#macd = this.#fast.value - this.#slow.value;
    this.#signalValue = this.#signal.update(this.#macd);
  }

  protected current(i: number): number {
    if (i === 0) return this.#macd;
    if (i === 1) return this.#signalValue;
    return this.#macd - this.#signalValue;
  }

  protected clear(): void {
    this.#fast.reset();
    this.#slow.reset();
    this.#signal.reset();
    this.#macd = Number.NaN;
    this.#signalValue = Number.NaN;
  }
}

export interface MacdSeries {
  readonly macd: Float64Array;
  readonly signal: Float64Array;
  readonly hist: Float64Array;
}

/**
 * MACD of a whole series in one pass, bit for bit what `Macd` gives one value at a time: the same
 * seeds (simple means) and the same `emaNext` steps, with the three EMAs kept in locals. `out`, if
 * given, receives the result (three arrays of length n).
 */
export function macd(
  values: ArrayLike<number>,
  fastPeriod = 12,
  slowPeriod = 26,
  signalPeriod = 9,
  out?: MacdSeries,
): MacdSeries {
  checkPeriod('macd fast period', fastPeriod, 2);
  checkPeriod('macd slow period', slowPeriod, 2);
  checkPeriod('macd signal period', signalPeriod, 1);
  const fast = Math.min(fastPeriod, slowPeriod);
  const slow = Math.max(fastPeriod, slowPeriod);
  const n = values.length;
  const m = outputArray(out?.macd, n, 'macd line');
  const s = outputArray(out?.signal, n, 'macd signal');
  const h = outputArray(out?.hist, n, 'macd histogram');
  const kFast = emaK(fast);
  const kSlow = emaK(slow);
  const kSignal = emaK(signalPeriod);
  // Index of the first output: the slow EMA is seeded at slow - 1, the signal signal - 1 later.
  const first = slow + signalPeriod - 2;
  let fastSum = 0;
  let slowSum = 0;
  let signalSum = 0;
  let fastEma = Number.NaN;
  let slowEma = Number.NaN;
  // Warm-up: seed the EMAs (the fast one from bar slow - fast on) and the signal.
  const fill = Math.min(first, n);
  for (let i = 0; i < fill; i++) {
    const x = values[i] as number;
    m[i] = s[i] = h[i] = Number.NaN;
    if (i < slow) {
      slowSum += x;
      if (i >= slow - fast) fastSum += x;
      if (i < slow - 1) continue;
      fastEma = fastSum / fast;
      slowEma = slowSum / slow;
    } else {
      fastEma = emaNext(fastEma, x, kFast);
      slowEma = emaNext(slowEma, x, kSlow);
    }
    signalSum += fastEma - slowEma;
  }
  if (n <= first) return { macd: m, signal: s, hist: h };
  // The first output (also the slow seed when signalPeriod is 1), then the steady state.
  const x0 = values[first] as number;
  if (first === slow - 1) {
    fastEma = (fastSum + x0) / fast;
    slowEma = (slowSum + x0) / slow;
  } else {
    fastEma = emaNext(fastEma, x0, kFast);
    slowEma = emaNext(slowEma, x0, kSlow);
  }
  const line = fastEma - slowEma;
  const signal = (signalSum + line) / signalPeriod;
  m[first] = line;
  s[first] = signal;
  h[first] = line - signal;
  const state = Float64Array.of(fastEma, slowEma, signal, kFast, kSlow, kSignal);
  for (let from = first + 1; from < n; from += BATCH_CHUNK)
    macdSteady(values, m, s, h, from, Math.min(from + BATCH_CHUNK, n), state);
  return { macd: m, signal: s, hist: h };
}

/**
 * `macd` over [from, to) in the steady state; state [fast EMA, slow EMA, signal, and their three
 * k] (see BATCH_CHUNK).
 */
function macdSteady(
  values: ArrayLike<number>,
  m: Float64Array,
  s: Float64Array,
  h: Float64Array,
  from: number,
  to: number,
  state: Float64Array,
): void {
  let fastEma = state[0] as number;
  let slowEma = state[1] as number;
  let signal = state[2] as number;
  const kFast = state[3] as number;
  const kSlow = state[4] as number;
  const kSignal = state[5] as number;
  for (let i = from; i < to; i++) {
    const x = values[i] as number;
    fastEma = emaNext(fastEma, x, kFast);
    slowEma = emaNext(slowEma, x, kSlow);
    const line = fastEma - slowEma;
    signal = emaNext(signal, line, kSignal);
    m[i] = line;
    s[i] = signal;
    h[i] = line - signal;
  }
  state[0] = fastEma;
  state[1] = slowEma;
  state[2] = signal;
}

export const macdDef: IndicatorDef = {
  key: 'macd',
  title: 'Moving average convergence/divergence',
  input: 'value',
  params: [
    { name: 'fast', default: 12, min: 2, integer: true },
    { name: 'slow', default: 26, min: 2, integer: true },
    { name: 'signal', default: 9, min: 1, integer: true },
  ],
  outputs: ['macd', 'macd_signal', 'macd_hist'],
  talib: 'MACD',
  source: 'Appel (2005); TA-Lib TA_MACD (both EMAs seeded on bar slow - 1)',
  create: ([fast, slow, signal]) => new Macd(fast, slow, signal),
};
