/**
 * The pair series of `buildPair` (pairs.ts), one joint bar at a time, for strategies: the OLS
 * hedge ratio of the long leg's price on the short leg's (rolling over the last `window` bars, or
 * static: fitted once on the first `window` bars), the spread `long - beta x short`, its z-score
 * over the last `zWindow` spreads (population standard deviation) and the relative momentum
 * `long return - short return` over `momentum` bars. The sums run oldest to newest, as in
 * `buildPair`, so with `zWindow = window` the values are the same numbers. No allocation per
 * update.
 */
import { UsageError } from '../core/errors.js';
import type { HedgeMode } from './pairs.js';

export interface PairSpreadOptions {
  /** OLS window (rolling) or formation period (static); >= 2. */
  readonly window: number;
  /** Spreads in the z-score; default `window`. */
  readonly zWindow?: number;
  /** Bars of the relative momentum; default `window`. */
  readonly momentum?: number;
  readonly hedgeMode?: HedgeMode;
}

export class PairSpread {
  readonly window: number;
  readonly zWindow: number;
  readonly momentumBars: number;
  readonly hedgeMode: HedgeMode;
  /** Closes of the long (y) and short (x) legs: the last max(window, momentum + 1) bars. */
  readonly #y: Float64Array;
  readonly #x: Float64Array;
  readonly #spreads: Float64Array;
  /** Joint bars seen, and spreads computed. */
  #n = 0;
  #ns = 0;
  #beta = NaN;
  #spread = NaN;
  #z = NaN;
  #mom = NaN;

  constructor(o: PairSpreadOptions) {
    this.window = o.window;
    this.zWindow = o.zWindow ?? o.window;
    this.momentumBars = o.momentum ?? o.window;
    this.hedgeMode = o.hedgeMode ?? 'rolling';
    const whole = (x: number, min: number): boolean => Number.isInteger(x) && x >= min;
    if (!whole(this.window, 2) || !whole(this.zWindow, 2) || !whole(this.momentumBars, 0)) {
      throw new UsageError(
        'USAGE_INVALID_OPTION',
        `PairSpread: window ${this.window}, zWindow ${this.zWindow}, momentum ${this.momentumBars}`,
        { hint: 'give whole numbers: window and zWindow >= 2, momentum >= 0 (0: none)' },
      );
    }
    const keep = Math.max(this.window, this.momentumBars + 1);
    this.#y = new Float64Array(keep);
    this.#x = new Float64Array(keep);
    this.#spreads = new Float64Array(this.zWindow);
  }

  get beta(): number {
    return this.#beta;
  }
  get spread(): number {
    return this.#spread;
  }
  get zscore(): number {
    return this.#z;
  }
  /** Long leg's `momentum`-bar return minus the short leg's (NaN until momentum + 1 bars). */
  get mom(): number {
    return this.#mom;
  }
  get count(): number {
    return this.#n;
  }

  /** The latest joint bar's closes; returns the z-score (NaN until ready). */
  update(closeLong: number, closeShort: number): number {
    const cap = this.#y.length;
    const at = this.#n % cap;
    this.#y[at] = closeLong;
    this.#x[at] = closeShort;
    this.#n++;
    const n = this.#n;
    const m = this.momentumBars;
    if (m >= 1 && n > m) {
      const back = (n - 1 - m) % cap;
      this.#mom = closeLong / (this.#y[back] as number) - closeShort / (this.#x[back] as number);
    }
    const w = this.window;
    if (n < w) return NaN;
    if (this.hedgeMode === 'rolling' || n === w) this.#beta = this.#ols(n - w);
    this.#spread = closeLong - this.#beta * closeShort;
    const zw = this.zWindow;
    this.#spreads[this.#ns % zw] = this.#spread;
    this.#ns++;
    this.#z = this.#ns < zw ? NaN : this.#zOf();
    return this.#z;
  }

  /** OLS slope of y on x over joint bars [from, from + window), two passes in time order. */
  #ols(from: number): number {
    const cap = this.#y.length;
    const w = this.window;
    let sx = 0;
    let sy = 0;
    for (let k = 0; k < w; k++) {
      const j = (from + k) % cap;
      sx += this.#x[j] as number;
      sy += this.#y[j] as number;
    }
    const mx = sx / w;
    const my = sy / w;
    let sxy = 0;
    let sxx = 0;
    for (let k = 0; k < w; k++) {
      const j = (from + k) % cap;
      const dx = (this.#x[j] as number) - mx;
      sxy += dx * ((this.#y[j] as number) - my);
      sxx += dx * dx;
    }
    return sxx === 0 ? NaN : sxy / sxx;
  }

  /** The latest spread against the last zWindow spreads; NaN when they are flat to rounding. */
  #zOf(): number {
    const zw = this.zWindow;
    const first = this.#ns - zw;
    let sum = 0;
    for (let k = 0; k < zw; k++) sum += this.#spreads[(first + k) % zw] as number;
    const mean = sum / zw;
    let ss = 0;
    for (let k = 0; k < zw; k++) ss += ((this.#spreads[(first + k) % zw] as number) - mean) ** 2;
    const sd = Math.sqrt(ss / zw);
    return sd <= 1e-12 * Math.max(1, Math.abs(mean)) ? NaN : (this.#spread - mean) / sd;
  }
}
