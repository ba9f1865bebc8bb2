import { checkPeriod, RingBuffer } from './indicator.js';

/**
 * Mean and sample variance of the last `period` values in O(1) per value (Welford's update, with
 * the matching downdate for the value leaving the window; no allocation after construction).
 * A NaN in the window makes both NaN until it leaves. Shared by the volatility estimators.
 * @see B. P. Welford, "Note on a Method for Calculating Corrected Sums of Squares and Products",
 *   Technometrics 4(3), 1962
 */
export class RollingMoments {
  readonly period: number;
  readonly #window: RingBuffer;
  #n = 0;
  #nanCount = 0;
  #mean = 0;
  #m2 = 0;

  constructor(period: number) {
    this.period = checkPeriod('rolling window period', period);
    this.#window = new RingBuffer(period);
  }

  get isFull(): boolean {
    return this.#window.isFull;
  }

  push(x: number): void {
    const w = this.#window;
    if (w.isFull) this.#remove(w.at(0));
    w.push(x);
    if (Number.isNaN(x)) {
      this.#nanCount++;
      return;
    }
    const n = ++this.#n;
    const d = x - this.#mean;
    this.#mean += d / n;
    this.#m2 += d * (x - this.#mean);
  }

  #remove(y: number): void {
    if (Number.isNaN(y)) {
      this.#nanCount--;
      return;
    }
    const n = --this.#n;
    if (n === 0) {
      this.#mean = 0;
      this.#m2 = 0;
      return;
    }
    const d = y - this.#mean;
    this.#mean -= d / n;
    this.#m2 -= d * (y - this.#mean);
  }

  /** Mean of the window (NaN when empty or holding a NaN). */
  get mean(): number {
    return this.#n === 0 || this.#nanCount > 0 ? Number.NaN : this.#mean;
  }

  /** Sample variance (divisor n - 1) of the window, floored at 0 against rounding. */
  get variance(): number {
    if (this.#n < 2 || this.#nanCount > 0) return Number.NaN;
    return Math.max(0, this.#m2 / (this.#n - 1));
  }

  clear(): void {
    this.#window.clear();
    this.#n = 0;
    this.#nanCount = 0;
    this.#mean = 0;
    this.#m2 = 0;
  }
}

/** Throws a RangeError unless `value` is a finite number > 0 (periods per year). */
export function checkPeriodsPerYear(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
  return value;
}
