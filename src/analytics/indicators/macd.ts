import { Ema } from './ema.js';
import { batchValues, checkPeriod, Indicator } from './indicator.js';
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

export function macd(values: ArrayLike<number>, fastPeriod = 12, slowPeriod = 26, signalPeriod = 9): MacdSeries {
  const [m, s, h] = batchValues(new Macd(fastPeriod, slowPeriod, signalPeriod), values) as [
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  return { macd: m, signal: s, hist: h };
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
