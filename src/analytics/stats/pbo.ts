import { DataError, UsageError } from '../../core/errors.js';
import {
  blockMoments,
  choose,
  cscvCombinations,
  halves,
  meanOf,
  sharpeOf,
  type CscvColumns,
  type CscvMoments,
  type CscvScore,
} from './pbo-cscv.js';

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

/**
 * PBO of the trials, each an equally long series of per-period returns (`trials[j][t]`). Throws
 * a UsageError for a bad S or fewer than two trials, a DataError for a non-finite return.
 */
export function probabilityOfBacktestOverfitting(trials: readonly ArrayLike<number>[], options: PboOptions): PboResult {
  const metric = options.metric ?? PboMetric.Sharpe;
  const { S, T, N } = checkInput(trials, options.partitions, metric);
  const m = pboMoments(N, S, T);
  trials.forEach((x, j) => blockMoments(x, S, m.size, T - m.size * S, m.mean, m.m2, j * S));
  return pboResult(m, T, metric, [cscvCombinations(m, pboScore(metric), 0, choose(S, S / 2) / 2)]);
}

/** Room for the block moments of N trials of T rows under S blocks (filled by `blockMoments`). */
export function pboMoments(N: number, S: number, T: number): CscvMoments {
  return {
    trials: N,
    partitions: S,
    size: Math.floor(T / S),
    mean: new Float64Array(N * S),
    m2: new Float64Array(N * S),
  };
}

/** A trial's performance on a set of blocks, from its moments there. */
export function pboScore(metric: PboMetric): CscvScore {
  return metric === PboMetric.Mean ? meanOf : sharpeOf;
}

/**
 * The PBO of trials whose block moments are `m` (T rows each), from the scores of all C(S, S/2)
 * combinations (`cscvCombinations` over the first C/2 halves, cut in any pieces).
 */
export function pboResult(m: CscvMoments, T: number, metric: PboMetric, pieces: readonly CscvColumns[]): PboResult {
  const S = m.partitions;
  const N = m.trials;
  const all = [...halves(S)];
  const combinations: PboCombination[] = new Array<PboCombination>(all.length);
  for (const p of pieces) {
    for (let k = 0; k < p.combination.length; k++) {
      const c = p.combination[k]!;
      const w = p.rank[k]! / (N + 1);
      combinations[c] = {
        inSample: all[c]!,
        best: p.best[k]!,
        inSamplePerformance: p.inSample[k]!,
        outOfSamplePerformance: p.outOfSample[k]!,
        rank: p.rank[k]!,
        logit: Math.log(w / (1 - w)),
      };
    }
  }
  for (let c = 0; c < all.length; c++)
    if (combinations[c] === undefined) throw new Error(`PBO: combination ${c} was not scored`);
  const c = combinations.length;
  return {
    pbo: combinations.filter((x) => x.logit <= 0).length / c,
    probabilityOfLoss: combinations.filter((x) => x.outOfSamplePerformance < 0).length / c,
    degradation: leastSquares(combinations),
    metric,
    partitions: S,
    trials: N,
    rows: m.size * S,
    rowsDropped: T - m.size * S,
    combinations,
  };
}

/**
 * Throws what `probabilityOfBacktestOverfitting` throws for N trials of T rows under S blocks,
 * before any return is read (a non-finite return is checked with the returns).
 */
export function checkPboShape(N: number, T: number, partitions: number, metric: PboMetric): void {
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
}

function checkInput(
  trials: readonly ArrayLike<number>[],
  partitions: number,
  metric: PboMetric,
): { S: number; T: number; N: number } {
  const N = trials.length;
  const T = trials[0]?.length ?? 0;
  checkPboShape(N, T, partitions, metric);
  const S = partitions;
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
