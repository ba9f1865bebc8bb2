/**
 * Combinatorial purged cross-validation (AFML 12.4). The samples are cut into N contiguous
 * groups; every choice of k test groups is a split (C(N, k) splits), trained on the other
 * groups with purge and embargo. Each group is tested in C(N-1, k-1) splits, so the test
 * predictions assemble into φ = k/N · C(N, k) = C(N-1, k-1) complete backtest paths: path p
 * takes group g's predictions from the p-th split (in split order) that tests g. A distribution
 * of φ out-of-sample paths, rather than the one path of walk-forward, is what PBO and the
 * deflated Sharpe ratio need.
 *
 * @see M. López de Prado, Advances in Financial Machine Learning, Wiley 2018, sections 12.4-12.5.
 */
import { DataError, UsageError } from '../../core/errors.js';
import { checkAtMostSamples, checkInteger } from '../check.js';
import { type LabelSpans } from '../labels/spans.js';
import {
  CvMethod,
  contiguousGroups,
  indicesOf,
  mergeRanges,
  prepare,
  purgeAndEmbargo,
  type CvPlan,
  type CvSplit,
  type PurgeOptions,
} from './split.js';

/** The most splits a CPCV may have (C(16, 8) = 12,870 fits; each split holds index arrays). */
export const MAX_CPCV_SPLITS = 20_000;

export interface CpcvOptions extends PurgeOptions {
  /** N >= 2 groups, at most one per sample. */
  readonly groups: number;
  /** k test groups per split, 1 <= k < N. */
  readonly testGroups: number;
}

export interface CpcvPlan extends CvPlan {
  /** φ = C(N-1, k-1). */
  readonly paths: number;
  /** pathSplits[p][g]: the split whose test predictions fill group g on path p. */
  readonly pathSplits: readonly Int32Array[];
}

export function combinatorialPurgedCv(spans: LabelSpans, o: CpcvOptions): CpcvPlan {
  const { bars, embargoBars } = prepare(spans, o);
  const n = spans.t0.length;
  const N = o.groups;
  const k = o.testGroups;
  checkInteger('groups', N, 2, Infinity, 'pass the number of groups, e.g. 6');
  checkAtMostSamples('groups', N, n);
  if (!Number.isInteger(k) || k < 1 || k >= N) {
    throw new UsageError('USAGE_INVALID_OPTION', `testGroups ${k} must be a whole number with 1 <= k < N = ${N}`, {
      hint: `test fewer groups than there are (k = 2 with N = 6 gives 15 splits and 5 paths)`,
      context: { key: 'testGroups', value: String(k) },
    });
  }
  const count = binomial(N, k);
  if (count > MAX_CPCV_SPLITS) {
    throw new UsageError('USAGE_INVALID_OPTION', `C(${N}, ${k}) = ${count} splits is more than ${MAX_CPCV_SPLITS}`, {
      hint: 'use fewer groups or fewer test groups (N = 6, k = 2 is the usual)',
      context: { key: 'groups', value: String(N) },
    });
  }
  const groups = contiguousGroups(n, N);
  const splits: CvSplit[] = [];
  for (const chosen of combinations(N, k)) {
    const testRanges = chosen.map((g) => groups[g]!);
    const blocks = mergeRanges(testRanges);
    const inTest = new Set(chosen);
    const candidates = indicesOf(groups.filter((_, g) => !inTest.has(g)));
    const kept = purgeAndEmbargo(spans, blocks, candidates, bars, embargoBars, 'after');
    splits.push({ index: splits.length, testGroups: chosen, test: indicesOf(testRanges), ...kept });
  }
  const paths = binomial(N - 1, k - 1);
  const pathSplits = Array.from({ length: paths }, () => new Int32Array(N));
  const seen = new Int32Array(N);
  for (const s of splits) for (const g of s.testGroups) pathSplits[seen[g]!++]![g] = s.index;
  return {
    method: CvMethod.Cpcv,
    samples: n,
    bars,
    embargoBars,
    embargoSide: 'after',
    groups,
    splits,
    paths,
    pathSplits,
  };
}

/**
 * The φ backtest paths: `predictions[s]` holds split s's predictions in the order of
 * `plan.splits[s].test`; path p is one prediction per sample, group g's taken from split
 * pathSplits[p][g].
 */
export function cpcvPaths(plan: CpcvPlan, predictions: readonly ArrayLike<number>[]): Float64Array[] {
  if (predictions.length !== plan.splits.length) {
    throw new DataError(
      'DATA_INVALID',
      `${predictions.length} prediction arrays for ${plan.splits.length} CPCV splits`,
      {
        hint: 'pass one array of test predictions per split, in split order',
        context: { key: 'predictions', value: String(predictions.length) },
      },
    );
  }
  // Where each sample sits in each split's test array.
  const position = plan.splits.map((s, si) => {
    const p = predictions[si]!;
    if (p.length !== s.test.length) {
      throw new DataError('DATA_INVALID', `split ${si} has ${s.test.length} test samples but ${p.length} predictions`, {
        hint: "pass one prediction per test sample, in the order of the split's test indices",
        context: { key: 'predictions', row: si },
      });
    }
    const at = new Map<number, number>();
    s.test.forEach((i, k) => at.set(i, k));
    return at;
  });
  return plan.pathSplits.map((row) => {
    const path = new Float64Array(plan.samples);
    plan.groups.forEach((g, gi) => {
      const si = row[gi]!;
      const at = position[si]!;
      const p = predictions[si]!;
      for (let i = g.from; i < g.to; i++) path[i] = p[at.get(i)!]!;
    });
    return path;
  });
}

/** C(n, k) (exact for the sizes allowed here). */
export function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** Every k-subset of 0..n-1, in lexicographic order. */
function* combinations(n: number, k: number): Generator<number[]> {
  const c = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield c.slice();
    let i = k - 1;
    while (i >= 0 && c[i] === n - k + i) i--;
    if (i < 0) return;
    c[i]!++;
    for (let j = i + 1; j < k; j++) c[j] = c[j - 1]! + 1;
  }
}
