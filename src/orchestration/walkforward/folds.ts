/**
 * Walk-forward folds over a timeline of T bars (seed 004: train 252, test 63, step 21).
 * Fold k trains on [trainStart, trainEnd) and tests on [trainEnd, testEnd), trainEnd = train + k x
 * step; rolling windows keep the train length, anchored ones start at bar 0. Test windows overlap
 * when step < test: in the stitched out-of-sample series each bar comes from the latest fold whose
 * test window holds it, so fold k contributes [trainEnd, trainEnd + step) and the last fold its
 * whole test window. docs/evaluation.md.
 */
import { UsageError } from '../../core/errors.js';

export interface FoldOptions {
  readonly train: number;
  readonly test: number;
  readonly step: number;
  readonly mode: 'rolling' | 'anchored';
}

export interface Fold {
  readonly index: number;
  readonly trainStart: number;
  readonly trainEnd: number;
  readonly testEnd: number;
  /** The bars this fold contributes to the stitched out-of-sample series: [useFrom, useTo). */
  readonly useFrom: number;
  readonly useTo: number;
}

export const FOLD_DEFAULTS: FoldOptions = { train: 252, test: 63, step: 21, mode: 'rolling' };

export function makeFolds(bars: number, o: FoldOptions): Fold[] {
  for (const [k, v] of [
    ['train', o.train],
    ['test', o.test],
    ['step', o.step],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new UsageError('USAGE_INVALID_OPTION', `--${k} must be a whole number of bars >= 1, got ${v}`, {
        hint: 'e.g. --train 252 --test 63 --step 21',
        context: { flag: `--${k}` },
      });
    }
  }
  if (o.step > o.test) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `--step ${o.step} is longer than --test ${o.test}: bars between test windows would never be tested`,
      {
        hint: 'use a step no longer than the test window',
        context: { flag: '--step' },
      },
    );
  }
  if (bars < o.train + 1) {
    throw new UsageError(
      'USAGE_INVALID_RANGE',
      `${bars} bars are too few for a ${o.train}-bar train window and a test window`,
      {
        hint: 'widen --start/--end or shorten --train',
        context: { flag: '--train' },
      },
    );
  }
  const folds: Fold[] = [];
  for (let k = 0; ; k++) {
    const trainEnd = o.train + k * o.step;
    if (trainEnd >= bars) break;
    const testEnd = Math.min(bars, trainEnd + o.test);
    const trainStart = o.mode === 'rolling' ? trainEnd - o.train : 0;
    folds.push({
      index: k,
      trainStart,
      trainEnd,
      testEnd,
      useFrom: trainEnd,
      useTo: Math.min(testEnd, trainEnd + o.step),
    });
  }
  // The last fold keeps its whole test window.
  const last = folds[folds.length - 1] as Fold;
  folds[folds.length - 1] = { ...last, useTo: last.testEnd };
  return folds;
}
