/**
 * Past-only rolling kernels over Float64Arrays. Every output at index t reads inputs at indices
 * <= t only (the window is [t - w + 1, t]); a window holding a NaN (missing or not yet warm)
 * yields NaN, so warm-up propagates through compositions without special cases.
 */

/** A new array of `n` NaNs. */
export function nans(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}

/** Applies `f` to each element (and its index). */
export function map1(a: Float64Array, f: (x: number, i: number) => number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = f(a[i] as number, i);
  return out;
}

/** Applies `f` to the elements of two aligned arrays. */
export function map2(a: Float64Array, b: Float64Array, f: (x: number, y: number) => number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = f(a[i] as number, b[i] as number);
  return out;
}

/** out[t] = x[t - k] (NaN for t < k). */
export function lag(x: Float64Array, k: number): Float64Array {
  const out = nans(x.length);
  for (let t = k; t < x.length; t++) out[t] = x[t - k] as number;
  return out;
}

/** Simple return over k bars: x[t] / x[t - k] - 1. */
export function pctChange(x: Float64Array, k = 1): Float64Array {
  return laggedReturn(x, x, k);
}

/** num[t] / den[t - k] - 1 (NaN for t < k): e.g. open over the previous close. */
export function laggedReturn(num: Float64Array, den: Float64Array, k: number): Float64Array {
  const out = nans(num.length);
  for (let t = k; t < num.length; t++) out[t] = (num[t] as number) / (den[t - k] as number) - 1;
  return out;
}

/** Log return over one bar: ln(x[t] / x[t - 1]). */
export function logReturns(x: Float64Array): Float64Array {
  const out = nans(x.length);
  for (let t = 1; t < x.length; t++) out[t] = Math.log((x[t] as number) / (x[t - 1] as number));
  return out;
}

/**
 * Runs `f(start, end)` on every full window [t - w + 1, t] (end exclusive = t + 1) in which no
 * array of `inputs` holds a NaN; every other output is NaN. O(n) NaN bookkeeping plus the cost
 * of `f` (O(w) for the kernels here: simple and exact, fine for batch feature building).
 */
export function rolling(
  inputs: readonly Float64Array[],
  w: number,
  f: (start: number, end: number) => number,
): Float64Array {
  const n = inputs[0]?.length ?? 0;
  const out = nans(n);
  let lastNan = -1;
  for (let t = 0; t < n; t++) {
    for (const a of inputs) if (Number.isNaN(a[t] as number)) lastNan = t;
    if (t - w + 1 > lastNan && t >= w - 1) out[t] = f(t - w + 1, t + 1);
  }
  return out;
}

/** Mean of x over [start, end). */
export function meanOf(x: Float64Array, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) s += x[i] as number;
  return s / (end - start);
}

/** Variance of x over [start, end) with `ddof` (1 = sample), two-pass for accuracy. */
export function varianceOf(x: Float64Array, start: number, end: number, ddof = 1): number {
  const m = meanOf(x, start, end);
  let ss = 0;
  for (let i = start; i < end; i++) {
    const d = (x[i] as number) - m;
    ss += d * d;
  }
  return ss / (end - start - ddof);
}

/** Covariance of x and y over [start, end) with `ddof`. */
export function covarianceOf(x: Float64Array, y: Float64Array, start: number, end: number, ddof = 1): number {
  const mx = meanOf(x, start, end);
  const my = meanOf(y, start, end);
  let s = 0;
  for (let i = start; i < end; i++) s += ((x[i] as number) - mx) * ((y[i] as number) - my);
  return s / (end - start - ddof);
}

export function rollingMean(x: Float64Array, w: number): Float64Array {
  return rolling([x], w, (s, e) => meanOf(x, s, e));
}

export function rollingMax(x: Float64Array, w: number): Float64Array {
  return rolling([x], w, (s, e) => {
    let m = -Infinity;
    for (let i = s; i < e; i++) if ((x[i] as number) > m) m = x[i] as number;
    return m;
  });
}

export function rollingMin(x: Float64Array, w: number): Float64Array {
  return rolling([x], w, (s, e) => {
    let m = Infinity;
    for (let i = s; i < e; i++) if ((x[i] as number) < m) m = x[i] as number;
    return m;
  });
}
