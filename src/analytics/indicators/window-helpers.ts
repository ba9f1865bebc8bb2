/** Rolling-window building blocks shared by the stochastics, Williams %R and Aroon. */
import { checkPeriod } from './indicator.js';

/**
 * The maximum (or minimum) of the last `size` inputs and the input index of its most recent
 * occurrence: a monotonic deque held in two fixed rings, O(1) amortized per input and no
 * allocation after construction. Among equal extremes the latest wins, which is TA-Lib's rule
 * in TA_AROON (ties only change the index, never the value). A NaN input makes the extreme
 * (and its index) NaN until it leaves the window.
 */
export class WindowExtreme {
  readonly size: number;
  /** +1 for a maximum, -1 for a minimum: values are stored times `sign` and the deque keeps a maximum. */
  readonly #sign: number;
  readonly #vals: Float64Array;
  readonly #idx: Float64Array;
  #head = 0;
  #len = 0;
  #n = 0;
  #lastNan = Number.NEGATIVE_INFINITY;

  constructor(size: number, kind: 'max' | 'min') {
    this.size = checkPeriod('window size', size);
    this.#sign = kind === 'max' ? 1 : -1;
    this.#vals = new Float64Array(size);
    this.#idx = new Float64Array(size);
  }

  /** Inputs seen since construction or the last clear. */
  get count(): number {
    return this.#n;
  }

  push(v: number): void {
    const i = this.#n++;
    const cap = this.size;
    // Only input i - size can leave the window now, and it can only sit at the front.
    if (this.#len > 0 && (this.#idx[this.#head] as number) <= i - cap) {
      this.#head = this.#head + 1 === cap ? 0 : this.#head + 1;
      this.#len--;
    }
    if (Number.isNaN(v)) {
      this.#lastNan = i;
      return;
    }
    const s = this.#sign * v;
    // Drop older entries that are not strictly better than the newcomer (so ties keep the latest).
    while (this.#len > 0) {
      let back = this.#head + this.#len - 1;
      if (back >= cap) back -= cap;
      if ((this.#vals[back] as number) > s) break;
      this.#len--;
    }
    let pos = this.#head + this.#len;
    if (pos >= cap) pos -= cap;
    this.#vals[pos] = s;
    this.#idx[pos] = i;
    this.#len++;
  }

  get #hasNan(): boolean {
    return this.#lastNan > this.#n - 1 - this.size;
  }

  /** The extreme of the window (NaN when empty or when the window holds a NaN). */
  get value(): number {
    if (this.#len === 0 || this.#hasNan) return Number.NaN;
    return this.#sign * (this.#vals[this.#head] as number);
  }

  /** Input index (0 = first input) of the latest occurrence of the extreme. */
  get index(): number {
    if (this.#len === 0 || this.#hasNan) return Number.NaN;
    return this.#idx[this.#head] as number;
  }

  clear(): void {
    this.#head = 0;
    this.#len = 0;
    this.#n = 0;
    this.#lastNan = Number.NEGATIVE_INFINITY;
  }
}

/**
 * A simple moving average with TA-Lib's arithmetic order (TA_INT_SMA): a running total of the
 * newest period - 1 values, plus the new value, divided, then the oldest subtracted. Using the
 * same order keeps results bit-identical to TA-Lib's slowing averages, including exact zeros.
 */
export class SlidingMean {
  readonly period: number;
  readonly #window: Float64Array;
  #head = 0;
  #size = 0;
  #partial = 0;
  #mean = Number.NaN;

  constructor(period: number) {
    this.period = checkPeriod('moving average period', period);
    this.#window = new Float64Array(period);
  }

  get isReady(): boolean {
    return this.#size === this.period;
  }

  /** The latest mean (NaN before `period` values). */
  get value(): number {
    return this.#mean;
  }

  push(x: number): number {
    const p = this.period;
    this.#partial += x;
    this.#window[this.#head] = x;
    this.#head = this.#head + 1 === p ? 0 : this.#head + 1;
    if (this.#size < p) this.#size++;
    if (this.#size === p) {
      this.#mean = this.#partial / p;
      // The slot after the newest holds the oldest value of the window: it leaves next time.
      this.#partial -= this.#window[this.#head] as number;
    }
    return this.#mean;
  }

  clear(): void {
    this.#head = 0;
    this.#size = 0;
    this.#partial = 0;
    this.#mean = Number.NaN;
  }
}

/**
 * Lane's raw %K: 100 * (close - lowest low) / (highest high - lowest low) over `period` bars,
 * and 0 when the range is zero, as TA-Lib computes it ((close - LL) / ((HH - LL) / 100)).
 */
export class FastK {
  readonly period: number;
  readonly #highs: WindowExtreme;
  readonly #lows: WindowExtreme;

  constructor(period: number) {
    this.period = checkPeriod('fastk period', period);
    this.#highs = new WindowExtreme(period, 'max');
    this.#lows = new WindowExtreme(period, 'min');
  }

  get isReady(): boolean {
    return this.#highs.count >= this.period;
  }

  /** Feeds one bar and returns %K over the window so far. */
  push(high: number, low: number, close: number): number {
    this.#highs.push(high);
    this.#lows.push(low);
    const lowest = this.#lows.value;
    const diff = (this.#highs.value - lowest) / 100;
    return diff !== 0 ? (close - lowest) / diff : 0;
  }

  clear(): void {
    this.#highs.clear();
    this.#lows.clear();
  }
}
