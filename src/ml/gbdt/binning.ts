/**
 * Quantile binning, LightGBM's way: each feature's non-missing values fall into at most
 * `max_bin` bins whose upper bounds sit halfway between neighbouring distinct values, so a
 * split "bin <= b" is the split "value <= upper[b]" on raw values. Missing values (NaN) get
 * their own bin after the last, so every split can learn where they go.
 * @see https://lightgbm.readthedocs.io/en/latest/Features.html (histogram-based algorithms)
 */
import type { Rng } from './rng.js';

export interface FeatureBins {
  /** Per feature, the upper bounds of its non-missing bins; the last is +Infinity. */
  readonly upper: readonly Float64Array[];
  /** Per feature, its number of non-missing bins (the missing bin's index). */
  readonly numBins: Uint16Array;
  /** Per feature, where its bins start in a histogram (each feature has numBins + 1 slots). */
  readonly offset: Int32Array;
  readonly totalBins: number;
}

/**
 * Upper bounds for one feature from its sorted non-missing values: one bin per distinct value
 * when they are few, else greedy bins of about equal count where a value never straddles two bins.
 */
export function binUpperBounds(sorted: Float64Array, maxBin: number): Float64Array {
  const n = sorted.length;
  if (n === 0) return Float64Array.of(Infinity);
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = sorted[i] as number;
    if (values.length > 0 && values[values.length - 1] === v) counts[counts.length - 1]! += 1;
    else {
      values.push(v);
      counts.push(1);
    }
  }
  const k = values.length;
  const bounds: number[] = [];
  if (k <= maxBin) {
    for (let i = 0; i < k - 1; i++) bounds.push(((values[i] as number) + (values[i + 1] as number)) / 2);
  } else {
    let rest = n;
    let binsLeft = maxBin;
    let inBin = 0;
    for (let i = 0; i < k - 1 && binsLeft > 1; i++) {
      inBin += counts[i] as number;
      // Close the bin once it holds its fair share of what is left, re-planned as bins close.
      if (inBin >= rest / binsLeft) {
        bounds.push(((values[i] as number) + (values[i + 1] as number)) / 2);
        rest -= inBin;
        binsLeft -= 1;
        inBin = 0;
      }
    }
  }
  bounds.push(Infinity);
  return Float64Array.from(bounds);
}

/** The bin of `v` among `upper` (the first bound >= v); NaN goes to the missing bin. */
export function binOf(upper: Float64Array, v: number): number {
  if (v !== v) return upper.length;
  let lo = 0;
  let hi = upper.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= (upper[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Bin edges for every feature of a row-major matrix, from up to `sampleCnt` sampled rows. */
export function findBins(
  x: Float64Array,
  rows: number,
  cols: number,
  maxBin: number,
  sampleCnt: number,
  rng: Rng,
): FeatureBins {
  const sample = rows > sampleCnt ? rng.sample(rows, sampleCnt) : null;
  const m = sample === null ? rows : sample.length;
  const upper: Float64Array[] = [];
  const numBins = new Uint16Array(cols);
  const offset = new Int32Array(cols);
  const buf = new Float64Array(m);
  let total = 0;
  for (let f = 0; f < cols; f++) {
    let k = 0;
    for (let i = 0; i < m; i++) {
      const r = sample === null ? i : (sample[i] as number);
      const v = x[r * cols + f] as number;
      if (v === v) buf[k++] = v;
    }
    const u = binUpperBounds(buf.subarray(0, k).sort(), maxBin);
    upper.push(u);
    numBins[f] = u.length;
    offset[f] = total;
    total += u.length + 1;
  }
  return { upper, numBins, offset, totalBins: total };
}

/** The binned matrix, row-major like `x` (row r's bins are [r * cols, (r + 1) * cols)). */
export function binMatrix(x: Float64Array, rows: number, cols: number, bins: FeatureBins): Uint8Array {
  const out = new Uint8Array(rows * cols);
  for (let f = 0; f < cols; f++) {
    const u = bins.upper[f] as Float64Array;
    for (let i = f; i < out.length; i += cols) out[i] = binOf(u, x[i] as number);
  }
  return out;
}
