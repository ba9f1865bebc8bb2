import { DataError, UsageError } from '../../core/errors.js';

/**
 * Probability of backtest overfitting (PBO) by combinatorially symmetric cross-validation (CSCV).
 * @see D. H. Bailey, J. M. Borwein, M. López de Prado, Q. J. Zhu, "The Probability of Backtest
 *   Overfitting", Journal of Computational Finance 20(4), 2017 (SSRN 2326253, 2015).
 *
 * The T × N matrix of per-period returns (N trials, T periods) is cut by rows into S blocks of
 * equal size (the earliest T mod S rows are dropped). For each of the C(S, S/2) ways to pick
 * S/2 blocks as the in-sample set (the other S/2 are out of sample), the trial with the best
 * in-sample performance is found, and its out-of-sample rank ω among the N trials (1 = worst,
 * N = best, ties averaged) gives the logit λ = ln(ω̄ / (1 − ω̄)) with ω̄ = ω / (N + 1). PBO is the
 * share of combinations with λ ≤ 0: how often the in-sample winner ends at or below the
 * out-of-sample median. Conventions: docs/statistics.md.
 */

export const PboMetric = { Sharpe: 'sharpe', Mean: 'mean' } as const;
export type PboMetric = (typeof PboMetric)[keyof typeof PboMetric];

export interface PboOptions {
  /** S: an even number of blocks, 2 ≤ S ≤ min(rows, 24). */
  readonly partitions: number;
  /** Performance of a trial on a set of rows: per-period Sharpe ratio (default) or mean return. */
  readonly metric?: PboMetric;
}

export interface PboCombination {
  /** Blocks (0-based, oldest first) of the in-sample set. */
  readonly inSample: readonly number[];
  /** The trial (column index) with the best in-sample performance; the first one on a tie. */
  readonly best: number;
  readonly inSamplePerformance: number;
  readonly outOfSamplePerformance: number;
  /** Its out-of-sample rank among the trials, 1 (worst) to N (best), ties averaged. */
  readonly rank: number;
  /** λ = ln(ω̄ / (1 − ω̄)), ω̄ = rank / (N + 1). */
  readonly logit: number;
}

export interface PboResult {
  readonly pbo: number;
  /** Share of combinations whose in-sample winner lost money out of sample (OOS performance < 0). */
  readonly probabilityOfLoss: number;
  /** Least-squares line of OOS on IS performance of the in-sample winners (slope < 0: degradation). */
  readonly degradation: { readonly slope: number; readonly intercept: number };
  readonly metric: PboMetric;
  readonly partitions: number;
  readonly trials: number;
  /** Rows used (a multiple of S) and the earliest rows dropped to get there. */
  readonly rows: number;
  readonly rowsDropped: number;
  readonly combinations: readonly PboCombination[];
}

/** The largest S accepted: C(24, 12) = 2,704,156 combinations. */
export const MAX_PARTITIONS = 24;

/**
 * PBO of the trials, each an equally long series of per-period returns (`trials[j][t]`). Throws
 * a UsageError for a bad S or fewer than two trials, a DataError for a non-finite return.
 */
/** The rules on S that need no data: an even whole number, 2..MAX_PARTITIONS (`flag` names it in errors). */
export function checkPartitions(S: number, flag?: string): void {
  const bad = (why: string, hint: string): never => {
    throw new UsageError('USAGE_INVALID_OPTION', `${flag === undefined ? 'partitions' : flag} ${S}: ${why}`, {
      hint,
      context: flag === undefined ? { key: 'partitions', value: String(S) } : { flag, value: String(S) },
    });
  };
  if (!Number.isInteger(S) || S < 2 || S % 2 !== 0) bad('S must be an even whole number >= 2', 'use e.g. 16');
  if (S > MAX_PARTITIONS) bad(`C(S, S/2) combinations grow too fast above ${MAX_PARTITIONS}`, 'use 16 (the usual)');
}

export function probabilityOfBacktestOverfitting(trials: readonly ArrayLike<number>[], options: PboOptions): PboResult {
  const metric = options.metric ?? PboMetric.Sharpe;
  const { S, T, N } = checkInput(trials, options.partitions, metric);
  const size = Math.floor(T / S);
  const dropped = T - size * S;
  // Per trial and block: Welford moments over the block's rows, flat (trial-major) so the loop
  // over the C(S, S/2) combinations below allocates nothing (it runs N x C(S, S/2) x S merges).
  const blockMean = new Float64Array(N * S);
  const blockM2 = new Float64Array(N * S);
  for (let b = 0; b < S; b++) {
    for (let j = 0; j < N; j++) {
      const x = trials[j]!;
      let mean = 0;
      let m2 = 0;
      for (let k = 0; k < size; k++) {
        const v = x[dropped + b * size + k]!;
        const d = v - mean;
        mean += d / (k + 1);
        m2 += d * (v - mean);
      }
      blockMean[j * S + b] = mean;
      blockM2[j * S + b] = m2;
    }
  }
  const score = metric === PboMetric.Mean ? (_n: number, mean: number) => mean : sharpeOf;
  const combinations: PboCombination[] = [];
  const isPerf = new Float64Array(N);
  const oosPerf = new Float64Array(N);
  // The moments of each trial over the first i blocks of the in-sample (and out-of-sample) set,
  // i = 0..S/2. Consecutive combinations share leading blocks, so only the levels after the first
  // changed block are merged again: the same merges in the same order as merging all S/2 blocks
  // afresh (so the same bits), about a third of the work.
  const half = S / 2;
  const isLevels = new Levels(half, N);
  const oosLevels = new Levels(half, N);
  let prevIn: number[] = [];
  let prevOut: number[] = [];
  for (const inSample of halves(S)) {
    const isIn = new Uint8Array(S);
    for (const b of inSample) isIn[b] = 1;
    const outSample: number[] = [];
    for (let b = 0; b < S; b++) if (isIn[b] === 0) outSample.push(b);
    isLevels.update(inSample, commonPrefix(prevIn, inSample), size, blockMean, blockM2, S);
    oosLevels.update(outSample, commonPrefix(prevOut, outSample), size, blockMean, blockM2, S);
    prevIn = inSample;
    prevOut = outSample;
    for (let j = 0; j < N; j++) {
      isPerf[j] = isLevels.score(j, score);
      oosPerf[j] = oosLevels.score(j, score);
    }
    let best = 0;
    for (let j = 1; j < N; j++) if (isPerf[j]! > isPerf[best]!) best = j;
    const rank = rankOf(oosPerf, best);
    const w = rank / (N + 1);
    combinations.push({
      inSample,
      best,
      inSamplePerformance: isPerf[best]!,
      outOfSamplePerformance: oosPerf[best]!,
      rank,
      logit: Math.log(w / (1 - w)),
    });
  }
  const c = combinations.length;
  return {
    pbo: combinations.filter((x) => x.logit <= 0).length / c,
    probabilityOfLoss: combinations.filter((x) => x.outOfSamplePerformance < 0).length / c,
    degradation: leastSquares(combinations),
    metric,
    partitions: S,
    trials: N,
    rows: size * S,
    rowsDropped: dropped,
    combinations,
  };
}

function checkInput(
  trials: readonly ArrayLike<number>[],
  partitions: number,
  metric: PboMetric,
): { S: number; T: number; N: number } {
  const N = trials.length;
  const T = trials[0]?.length ?? 0;
  if (N < 2) {
    throw new UsageError('USAGE_INVALID_OPTION', `PBO needs at least 2 trials, got ${N}`, {
      hint: 'give the returns of every trial of the search, one column each',
      context: { key: 'trials', value: String(N) },
    });
  }
  const S = partitions;
  const bad = (why: string, hint: string): never => {
    throw new UsageError('USAGE_INVALID_OPTION', `partitions ${S}: ${why}`, {
      hint,
      context: { key: 'partitions', value: String(S) },
    });
  };
  checkPartitions(S);
  if (S > T) bad(`more blocks than the ${T} rows`, `use an even S <= ${T - (T % 2)}`);
  if (metric === PboMetric.Sharpe && Math.floor(T / S) * (S / 2) < 2) {
    bad('each half holds fewer than 2 rows, too few for a Sharpe ratio', 'use more rows or --metric mean');
  }
  for (let j = 0; j < N; j++) {
    const x = trials[j]!;
    if (x.length !== T) {
      throw new DataError('DATA_INVALID', `trial ${j + 1} has ${x.length} returns, trial 1 has ${T}`, {
        hint: 'give every trial the same periods',
        context: { column: String(j + 1) },
      });
    }
    for (let t = 0; t < T; t++) {
      if (!Number.isFinite(x[t]!)) {
        throw new DataError('DATA_INVALID', `trial ${j + 1} has a non-finite return at row ${t + 1}`, {
          hint: 'fill or drop the period in every trial before computing PBO',
          context: { row: t + 1, column: String(j + 1) },
        });
      }
    }
  }
  return { S, T, N };
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
   * block `blocks[i]` (level 0 is empty: level 1 is the first block's moments).
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

  score(j: number, f: (n: number, mean: number, m2: number) => number): number {
    const at = this.#k * this.#trials + j;
    return f(this.#n[at]!, this.#mean[at]!, this.#m2[at]!);
  }
}

/** Per-period Sharpe ratio (ddof = 1); a constant series scores 0 at mean 0, else ±Infinity. */
function sharpeOf(n: number, mean: number, m2: number): number {
  if (m2 > 0) return mean / Math.sqrt(m2 / (n - 1));
  return mean === 0 ? 0 : mean > 0 ? Infinity : -Infinity;
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
function* halves(S: number): Generator<number[]> {
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

/** OLS of OOS on IS performance over the combinations where both are finite. */
function leastSquares(cs: readonly PboCombination[]): { slope: number; intercept: number } {
  const pts = cs.filter((c) => Number.isFinite(c.inSamplePerformance) && Number.isFinite(c.outOfSamplePerformance));
  const n = pts.length;
  if (n < 2) return { slope: NaN, intercept: NaN };
  let mx = 0;
  let my = 0;
  for (const p of pts) {
    mx += p.inSamplePerformance / n;
    my += p.outOfSamplePerformance / n;
  }
  let sxy = 0;
  let sxx = 0;
  for (const p of pts) {
    sxy += (p.inSamplePerformance - mx) * (p.outOfSamplePerformance - my);
    sxx += (p.inSamplePerformance - mx) ** 2;
  }
  if (!(sxx > 0)) return { slope: NaN, intercept: NaN };
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}
