import { meanOf, nans, varianceOf } from './rolling.js';

/**
 * Rolling normalization against the PAST window only: the value at t is compared with the `w`
 * values x[t - w .. t - 1], which end one bar BEFORE t. Excluding x[t] keeps the value at t
 * free of data after t (trivially) and also stops an outlier from diluting its own yardstick
 * (a spike of volume is measured against the days before it). The first output is at
 * firstValid(x) + w; a NaN inside the window (or at t) gives NaN.
 */

/**
 * Rolling z-score: (x[t] - mean(past w)) / sd(past w), sample sd (n - 1). A flat past window
 * (sd = 0) gives NaN: the z-score is undefined there.
 */
export function rollingZScore(x: Float64Array, w: number): Float64Array {
  const out = nans(x.length);
  let lastNan = -1;
  for (let t = 0; t < x.length; t++) {
    // lastNan tracks NaNs in x[0..t-1] here: the past window must be clean.
    if (t - w > lastNan && t >= w && !Number.isNaN(x[t] as number)) {
      const sd = Math.sqrt(varianceOf(x, t - w, t, 1));
      out[t] = sd > 0 ? ((x[t] as number) - meanOf(x, t - w, t)) / sd : Number.NaN;
    }
    if (Number.isNaN(x[t] as number)) lastNan = t;
  }
  return out;
}

/** A window of the last `capacity` values kept sorted (O(w) insert/remove, no allocation). */
export class SortedWindow {
  readonly #a: Float64Array;
  #size = 0;

  constructor(capacity: number) {
    this.#a = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#size = 0;
  }

  /** Number of held values <= v (binary search). */
  countAtMost(v: number): number {
    let lo = 0;
    let hi = this.#size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#a[mid] as number) <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(v: number): void {
    const i = this.countAtMost(v);
    this.#a.copyWithin(i + 1, i, this.#size);
    this.#a[i] = v;
    this.#size++;
  }

  /** Removes one occurrence of v (which must be held). */
  remove(v: number): void {
    const i = this.countAtMost(v) - 1;
    this.#a.copyWithin(i, i + 1, this.#size);
    this.#size--;
  }

  /** Quantile p in [0, 1] by linear interpolation between order statistics (numpy's default, Hyndman-Fan type 7). */
  quantile(p: number): number {
    const h = (this.#size - 1) * p;
    const f = Math.floor(h);
    const lo = this.#a[f] as number;
    return f + 1 < this.#size ? lo + (h - f) * ((this.#a[f + 1] as number) - lo) : lo;
  }
}

/** Feeds x through a sorted past window of size w, calling `at(t, v, window)` once the window is full. */
function withPastWindow(x: Float64Array, w: number, at: (v: number, win: SortedWindow) => number): Float64Array {
  const out = nans(x.length);
  const win = new SortedWindow(w);
  for (let t = 0; t < x.length; t++) {
    const v = x[t] as number;
    if (win.size === w && !Number.isNaN(v)) out[t] = at(v, win);
    if (Number.isNaN(v)) {
      win.clear();
      continue;
    }
    if (win.size === w) win.remove(x[t - w] as number);
    win.insert(v);
  }
  return out;
}

/**
 * Rolling winsorization: x[t] clipped to the [lo, hi] quantiles of the past w values
 * (type-7 quantiles). Defaults clip at the 1st and 99th percentiles.
 */
export function rollingWinsorize(x: Float64Array, w: number, lo = 0.01, hi = 0.99): Float64Array {
  return withPastWindow(x, w, (v, win) => Math.min(Math.max(v, win.quantile(lo)), win.quantile(hi)));
}

/** Rolling percentile rank in [0, 1]: the fraction of the past w values that are <= x[t]. */
export function rollingPercentRank(x: Float64Array, w: number): Float64Array {
  return withPastWindow(x, w, (v, win) => win.countAtMost(v) / w);
}
