/**
 * Quantile binning, LightGBM's way: each feature's non-missing values fall into at most
 * `max_bin` bins whose upper bounds sit halfway between neighbouring distinct values, so a
 * split "bin <= b" is the split "value <= upper[b]" on raw values. Missing values (NaN) get
 * their own bin after the last, so every split can learn where they go.
 * @see https://lightgbm.readthedocs.io/en/latest/Features.html (histogram-based algorithms)
 */
import type { Rng } from './rng.js';

/** Features gathered per pass over the binning sample (8 doubles: one cache line). */
const GROUP = 8;

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
  // Distinct values and their counts in typed arrays: a sample of 200,000 mostly distinct values
  // would otherwise grow two JS arrays value by value, for every feature.
  const values = new Float64Array(n);
  const counts = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i] as number;
    if (k > 0 && values[k - 1] === v) counts[k - 1] = (counts[k - 1] as number) + 1;
    else {
      values[k] = v;
      counts[k++] = 1;
    }
  }
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
  // Features are read GROUP at a time, so one pass over the sampled rows fills GROUP buffers from
  // the same cache lines instead of touching every row's line once per feature.
  const group = Math.min(cols, GROUP);
  const bufs = Array.from({ length: group }, () => new Float64Array(m));
  const fill = new Int32Array(group);
  let total = 0;
  for (let f0 = 0; f0 < cols; f0 += group) {
    const g = Math.min(group, cols - f0);
    fill.fill(0);
    for (let i = 0; i < m; i++) {
      const base = (sample === null ? i : (sample[i] as number)) * cols + f0;
      for (let j = 0; j < g; j++) {
        const v = x[base + j] as number;
        if (v === v) (bufs[j] as Float64Array)[fill[j]!++] = v;
      }
    }
    for (let j = 0; j < g; j++) {
      const u = binUpperBounds((bufs[j] as Float64Array).subarray(0, fill[j] as number).sort(), maxBin);
      const f = f0 + j;
      upper.push(u);
      numBins[f] = u.length;
      offset[f] = total;
      total += u.length + 1;
    }
  }
  return { upper, numBins, offset, totalBins: total };
}

/** The binned matrix, row-major like `x` (row r's bins are [r * cols, (r + 1) * cols)). */
export function binMatrix(x: Float64Array, rows: number, cols: number, bins: FeatureBins): Uint8Array {
  const out = new Uint8Array(rows * cols);
  const upper = bins.upper;
  // Row by row, in memory order: walking one column at a time strides through all of x per feature.
  for (let r = 0, i = 0; r < rows; r++) {
    for (let f = 0; f < cols; f++, i++) out[i] = binOf(upper[f] as Float64Array, x[i] as number);
  }
  return out;
}
