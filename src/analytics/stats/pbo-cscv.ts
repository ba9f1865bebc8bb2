/**
 * The arithmetic of CSCV (pbo.ts) cut so that it can be fed trial by trial and run in pieces:
 * each trial's per-block moments are computed once (`blockMoments`, e.g. as a sweep records the
 * trial), and the C(S, S/2) combinations are scored from those moments alone (`cscvCombinations`),
 * a range at a time, so separate processes can share the work. Every piece merges the same blocks
 * in the same order as one pass over all combinations would: the results are the same bits however
 * the work is cut.
 *
 * The halves come in complementary pairs (the in-sample set of one combination is the
 * out-of-sample set of another), and complementing reverses lexicographic order (the smallest
 * block two sets differ by is in exactly one of them, and in the other's complement), so half i
 * and half C - 1 - i are complements. Scoring each of the first C/2 halves and its complement
 * once serves both combinations: half the merges of scoring each combination's two halves.
 */

/** A trial's performance over a set of rows, from their count, mean and sum of squared deviations. */
export type CscvScore = (n: number, mean: number, m2: number) => number;

/** Per-period Sharpe ratio (ddof = 1); a constant series scores 0 at mean 0, else ±Infinity. */
export function sharpeOf(n: number, mean: number, m2: number): number {
  if (m2 > 0) return mean / Math.sqrt(m2 / (n - 1));
  return mean === 0 ? 0 : mean > 0 ? Infinity : -Infinity;
}

export function meanOf(_n: number, mean: number): number {
  return mean;
}

/** Every trial's moments per block, trial-major (trial j, block b at j * S + b). */
export interface CscvMoments {
  readonly trials: number;
  readonly partitions: number;
  /** Rows per block. */
  readonly size: number;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
}

/**
 * Welford moments of trial `x` over each of the S blocks of `size` rows that follow the first
 * `dropped` rows, written at `at` (= j * S) of `mean` and `m2`.
 */
export function blockMoments(
  x: ArrayLike<number>,
  S: number,
  size: number,
  dropped: number,
  mean: Float64Array,
  m2: Float64Array,
  at: number,
): void {
  for (let b = 0; b < S; b++) {
    let m = 0;
    let s2 = 0;
    for (let k = 0; k < size; k++) {
      const v = x[dropped + b * size + k]!;
      const d = v - m;
      m += d / (k + 1);
      s2 += d * (v - m);
    }
    mean[at + b] = m;
    m2[at + b] = s2;
  }
}

/** C(n, k), exact for the sizes CSCV allows. */
export function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/** Scores of combinations [from, to) of one `cscvCombinations` call, by combination number. */
export interface CscvColumns {
  /** Combination numbers (lexicographic order of the in-sample halves). */
  readonly combination: Int32Array;
  readonly best: Int32Array;
  readonly inSample: Float64Array;
  readonly outOfSample: Float64Array;
  readonly rank: Float64Array;
}

/**
 * Scores the combinations whose in-sample half is half i or its complement (C - 1 - i), for the
 * halves i in [from, to) of the first C/2 (each holds block 0).
 */
export function cscvCombinations(m: CscvMoments, score: CscvScore, from: number, to: number): CscvColumns {
  const { trials: N, partitions: S, size } = m;
  const C = choose(S, S / 2);
  const n = 2 * Math.max(0, to - from);
  const out: CscvColumns = {
    combination: new Int32Array(n),
    best: new Int32Array(n),
    inSample: new Float64Array(n),
    outOfSample: new Float64Array(n),
    rank: new Float64Array(n),
  };
  const half = S / 2;
  const a = new Levels(half, N);
  const b = new Levels(half, N);
  const scoreA = new Float64Array(N);
  const scoreB = new Float64Array(N);
  let prevA: number[] = [];
  let prevB: number[] = [];
  let i = 0;
  let k = 0;
  for (const setA of halves(S)) {
    if (i >= to) break;
    if (i++ < from) continue;
    const inA = new Uint8Array(S);
    for (const x of setA) inA[x] = 1;
    const setB: number[] = [];
    for (let x = 0; x < S; x++) if (inA[x] === 0) setB.push(x);
    a.update(setA, commonPrefix(prevA, setA), size, m.mean, m.m2, S);
    b.update(setB, commonPrefix(prevB, setB), size, m.mean, m.m2, S);
    prevA = setA;
    prevB = setB;
    a.scores(score, scoreA);
    b.scores(score, scoreB);
    const put = (c: number, is: Float64Array, oos: Float64Array): void => {
      let best = 0;
      for (let j = 1; j < N; j++) if (is[j]! > is[best]!) best = j;
      out.combination[k] = c;
      out.best[k] = best;
      out.inSample[k] = is[best]!;
      out.outOfSample[k] = oos[best]!;
      out.rank[k] = rankOf(oos, best);
      k++;
    };
    put(i - 1, scoreA, scoreB);
    put(C - i, scoreB, scoreA);
  }
  return out;
}

/** How many leading blocks two block lists share. */
function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Count, mean and sum of squared deviations of each trial over the first i blocks of a set (i = 0..k). */
class Levels {
  readonly #n: Float64Array;
  readonly #mean: Float64Array;
  readonly #m2: Float64Array;
  readonly #k: number;
  readonly #trials: number;

  constructor(k: number, trials: number) {
    this.#k = k;
    this.#trials = trials;
    this.#n = new Float64Array((k + 1) * trials);
    this.#mean = new Float64Array((k + 1) * trials);
    this.#m2 = new Float64Array((k + 1) * trials);
  }

  /**
   * Levels from `from` on for the set `blocks`, by Chan et al.'s pairwise update of level i with
   * block `blocks[i]` (level 0 is empty: level 1 is the first block's moments). Only the levels
   * after the first block that changed since the previous set are merged again: the same merges
   * in the same order as merging the whole set afresh, so the same bits.
   */
  update(blocks: readonly number[], from: number, size: number, mean: Float64Array, m2: Float64Array, S: number): void {
    const N = this.#trials;
    const ln = this.#n;
    const lm = this.#mean;
    const l2 = this.#m2;
    for (let i = from; i < this.#k; i++) {
      const b = blocks[i]!;
      const at = i * N;
      const to = at + N;
      for (let j = 0; j < N; j++) {
        const an = ln[at + j]!;
        const bm = mean[j * S + b]!;
        const b2 = m2[j * S + b]!;
        if (an === 0) {
          ln[to + j] = size;
          lm[to + j] = bm;
          l2[to + j] = b2;
          continue;
        }
        const am = lm[at + j]!;
        const n = an + size;
        const d = bm - am;
        ln[to + j] = n;
        lm[to + j] = am + (d * size) / n;
        l2[to + j] = l2[at + j]! + (b2 + (d * d * an * size) / n);
      }
    }
  }

  /** Each trial's score over the whole set. */
  scores(f: CscvScore, out: Float64Array): void {
    const at = this.#k * this.#trials;
    const ln = this.#n;
    const lm = this.#mean;
    const l2 = this.#m2;
    for (let j = 0; j < this.#trials; j++) out[j] = f(ln[at + j]!, lm[at + j]!, l2[at + j]!);
  }
}

/** Rank of x[i] among x, 1 = smallest, ties averaged. */
function rankOf(x: Float64Array, i: number): number {
  let less = 0;
  let equal = 0;
  for (let j = 0; j < x.length; j++) {
    if (x[j]! < x[i]!) less++;
    else if (x[j] === x[i] && j !== i) equal++;
  }
  return less + 1 + equal / 2;
}

/** Every choice of S/2 blocks out of S, in lexicographic order. */
export function* halves(S: number): Generator<number[]> {
  const k = S / 2;
  const c = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield c.slice();
    let i = k - 1;
    while (i >= 0 && c[i] === S - k + i) i--;
    if (i < 0) return;
    c[i]!++;
    for (let j = i + 1; j < k; j++) c[j] = c[j - 1]! + 1;
  }
}
