/**
 * What every cross-validation scheme here produces, and the purge and embargo they share
 * (AFML 7.4). A training label whose span [t0, t1] overlaps a test label's span shares returns
 * with it: training on it leaks the test outcome, so it is purged. Features are serially
 * correlated, so training labels that start just after a test block are embargoed for h bars
 * (h = ⌈embargo · bars⌉). Samples are in time order (t0 not decreasing); spans are bar indices.
 *
 * @see M. López de Prado, Advances in Financial Machine Learning, Wiley 2018, sections 7.4.1-7.4.2.
 */
import { checkNumber } from '../check.js';
import { barsSpanned, checkSpans, type LabelSpans } from '../labels/spans.js';

/** Samples [from, to) (sample indices, `to` excluded). */
export interface SampleRange {
  readonly from: number;
  readonly to: number;
}

export interface CvSplit {
  readonly index: number;
  /** The groups (folds) this split tests, 0-based. */
  readonly testGroups: readonly number[];
  readonly train: Int32Array;
  readonly test: Int32Array;
  /** Left out of training: their spans overlap a test label's. */
  readonly purged: Int32Array;
  /** Left out of training: they fall in the embargo next to a test block. */
  readonly embargoed: Int32Array;
}

export const CvMethod = {
  PurgedKFold: 'purged-k-fold',
  ShuffledKFold: 'shuffled-k-fold',
  Cpcv: 'cpcv',
  WalkForward: 'walk-forward',
} as const;
export type CvMethod = (typeof CvMethod)[keyof typeof CvMethod];

export interface CvPlan {
  readonly method: CvMethod;
  readonly samples: number;
  /** Bars of the timeline the spans live on. */
  readonly bars: number;
  /** h: bars embargoed next to each test block. */
  readonly embargoBars: number;
  /** Which side of a test block the embargo lies on (walk-forward trains only before its tests). */
  readonly embargoSide: 'after' | 'before';
  /** The contiguous groups the samples are cut into (test windows for walk-forward). */
  readonly groups: readonly SampleRange[];
  readonly splits: readonly CvSplit[];
}

export interface PurgeOptions {
  /** Fraction of the bars embargoed after each test block, 0 <= embargo < 1 (AFML: 0.01). Default 0. */
  readonly embargo?: number;
  /** Bars on the timeline (default one past the last t1). */
  readonly bars?: number;
}

/** Checks spans (time-ordered) and the embargo; returns the bars and h. */
export function prepare(spans: LabelSpans, o: PurgeOptions): { bars: number; embargoBars: number } {
  const bars = o.bars ?? barsSpanned(spans);
  checkSpans(spans, { bars, sorted: true });
  const embargo = o.embargo ?? 0;
  checkNumber('embargo', embargo, 0, 1, true, 'pass the embargo as a fraction of the bars, e.g. 0.01');
  return { bars, embargoBars: Math.ceil(embargo * bars) };
}

/** Cuts n samples into k contiguous groups, the first n mod k one sample longer (numpy's array_split). */
export function contiguousGroups(n: number, k: number): SampleRange[] {
  const base = Math.floor(n / k);
  const extra = n % k;
  const out: SampleRange[] = [];
  let from = 0;
  for (let g = 0; g < k; g++) {
    const to = from + base + (g < extra ? 1 : 0);
    out.push({ from, to });
    from = to;
  }
  return out;
}

/** Merges ranges that touch (sorted by `from`), so adjacent test groups form one block. */
export function mergeRanges(ranges: readonly SampleRange[]): SampleRange[] {
  const out: SampleRange[] = [];
  for (const r of [...ranges].sort((a, b) => a.from - b.from)) {
    const last = out[out.length - 1];
    if (last !== undefined && r.from <= last.to) out[out.length - 1] = { from: last.from, to: Math.max(last.to, r.to) };
    else out.push(r);
  }
  return out;
}

/** The bars of the embargo next to a test block: [fromBar, toBar], empty when fromBar > toBar. */
export function embargoWindow(
  spans: LabelSpans,
  block: SampleRange,
  bars: number,
  h: number,
  side: 'after' | 'before',
): { fromBar: number; toBar: number } {
  if (side === 'after') {
    let end = -1;
    for (let i = block.from; i < block.to; i++) end = Math.max(end, spans.t1[i]!);
    return { fromBar: end + 1, toBar: Math.min(bars - 1, end + h) };
  }
  const start = spans.t0[block.from]!;
  return { fromBar: Math.max(0, start - h), toBar: start - 1 };
}

/**
 * Splits the candidate training samples into kept, purged (span overlaps a test label's span)
 * and embargoed (span overlaps an embargo window), by coverage counts over the bars.
 */
export function purgeAndEmbargo(
  spans: LabelSpans,
  testBlocks: readonly SampleRange[],
  candidates: ArrayLike<number>,
  bars: number,
  h: number,
  side: 'after' | 'before',
): { train: Int32Array; purged: Int32Array; embargoed: Int32Array } {
  const tested = new Int32Array(bars + 1);
  const barred = new Int32Array(bars + 1);
  for (const b of testBlocks) {
    for (let i = b.from; i < b.to; i++) {
      tested[spans.t0[i]!]!++;
      tested[spans.t1[i]! + 1]!--;
    }
    const w = embargoWindow(spans, b, bars, h, side);
    if (w.fromBar <= w.toBar) {
      barred[w.fromBar]!++;
      barred[w.toBar + 1]!--;
    }
  }
  const testPrefix = coveragePrefix(tested, bars);
  const embargoPrefix = coveragePrefix(barred, bars);
  const train: number[] = [];
  const purged: number[] = [];
  const embargoed: number[] = [];
  for (let k = 0; k < candidates.length; k++) {
    const j = candidates[k]!;
    const a = spans.t0[j]!;
    const b = spans.t1[j]! + 1;
    if (testPrefix[b]! - testPrefix[a]! > 0) purged.push(j);
    else if (embargoPrefix[b]! - embargoPrefix[a]! > 0) embargoed.push(j);
    else train.push(j);
  }
  return { train: Int32Array.from(train), purged: Int32Array.from(purged), embargoed: Int32Array.from(embargoed) };
}

/** prefix[t] = how many of bars 0..t-1 are covered (a difference array turned into counts). */
function coveragePrefix(diff: Int32Array, bars: number): Int32Array {
  const prefix = new Int32Array(bars + 1);
  let run = 0;
  for (let t = 0; t < bars; t++) {
    run += diff[t]!;
    prefix[t + 1] = prefix[t]! + (run > 0 ? 1 : 0);
  }
  return prefix;
}

/** Every sample index in the ranges, ascending. */
export function indicesOf(ranges: readonly SampleRange[]): Int32Array {
  const out: number[] = [];
  for (const r of mergeRanges(ranges)) for (let i = r.from; i < r.to; i++) out.push(i);
  return Int32Array.from(out);
}
