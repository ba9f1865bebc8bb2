/**
 * Two diagnostics of a cross-validated classifier (docs/ml/registry.md, "Calibration and
 * learning curves"):
 * - the calibration table: out-of-sample predicted probabilities in equal-width bins against the
 *   observed frequency of the up class in each bin (a reliability diagram as numbers), with the
 *   expected calibration error and the Brier score;
 * - the learning curve: the out-of-sample metric of models trained on a growing share of each
 *   split's purged training samples, so more data helping (or not) shows before more is bought.
 *
 * @see Niculescu-Mizil & Caruana, "Predicting good probabilities with supervised learning",
 *   ICML 2005 (reliability diagrams); Brier (1950).
 */
import { DataError, UsageError } from '../../core/errors.js';
import type { CvPlan } from '../cv/split.js';
import { auc, logLoss } from '../metrics.js';
import type { MlDataset } from './dataset.js';
import type { LearnerSpec } from './evaluate.js';
import { fit } from './learner.js';

export interface CalibrationBin {
  /** [lo, hi): the last bin includes 1. */
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  /** Mean predicted probability in the bin (NaN when empty). */
  readonly predicted: number;
  /** Share of samples of the up class (y = 1) in the bin (NaN when empty). */
  readonly observed: number;
}

export interface CalibrationTable {
  readonly bins: readonly CalibrationBin[];
  /** Σ count_b / N · |observed_b - predicted_b| over non-empty bins. */
  readonly ece: number;
  /** Mean of (p - y)². */
  readonly brier: number;
  /** Samples with a prediction (NaN predictions are left out). */
  readonly samples: number;
}

export function calibrationTable(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): CalibrationTable {
  if (!Number.isInteger(bins) || bins < 1 || bins > 1000) {
    throw new UsageError('USAGE_INVALID_OPTION', `--calibration ${bins} is not a whole number in 1..1000`, {
      hint: 'pass the number of bins, e.g. --calibration 10',
      context: { flag: '--calibration', value: String(bins) },
    });
  }
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  let n = 0;
  let brier = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    if (Number.isNaN(pi)) continue;
    const yi = y[i] === 1 ? 1 : 0;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(pi * bins)));
    count[b]! += 1;
    sumP[b]! += pi;
    sumY[b]! += yi;
    brier += (pi - yi) ** 2;
    n++;
  }
  let ece = 0;
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const c = count[b]!;
    const predicted = c === 0 ? NaN : sumP[b]! / c;
    const observed = c === 0 ? NaN : sumY[b]! / c;
    if (c > 0) ece += (c / n) * Math.abs(observed - predicted);
    out.push({ lo: b / bins, hi: (b + 1) / bins, count: c, predicted, observed });
  }
  return { bins: out, ece: n === 0 ? NaN : ece, brier: n === 0 ? NaN : brier / n, samples: n };
}

export interface LearningPoint {
  /** Share of each split's training samples used. */
  readonly fraction: number;
  /** Mean training samples per split. */
  readonly train: number;
  /** Mean over splits of the test AUC (splits with one class left out) and log loss. */
  readonly auc: number;
  readonly logloss: number;
}

/**
 * For each fraction f, every split's model is trained on ⌈f · n⌉ of its purged training samples,
 * evenly spaced in time (so the subset spans the same window and keeps the purge), and scored on
 * the split's whole test block.
 */
export function learningCurve(
  d: MlDataset,
  plan: CvPlan,
  learner: LearnerSpec,
  fractions: readonly number[],
  onFit?: () => void,
): LearningPoint[] {
  return fractions.map((f) => {
    let trainSum = 0;
    let aucSum = 0;
    let aucN = 0;
    let llSum = 0;
    for (const s of plan.splits) {
      const keep = Math.max(2, Math.ceil(f * s.train.length));
      const idx = Int32Array.from(
        { length: Math.min(keep, s.train.length) },
        (_, k) => s.train[Math.floor((k * s.train.length) / Math.min(keep, s.train.length))]!,
      );
      const tr = rowsOf(d, idx);
      const te = rowsOf(d, s.test);
      if (new Set(tr.y).size < 2) {
        throw new DataError(
          'DATA_INVALID',
          `learning curve: ${f} of split ${s.index}'s training samples hold one class`,
          {
            hint: 'use larger fractions (--learning-curve 0.25,0.5,1) or more data',
            context: { flag: '--learning-curve', value: String(f) },
          },
        );
      }
      const m = fit(learner.kind, learner.params, tr.x, idx.length, d.cols, tr.y, d.names);
      const p = m.predict(te.x, s.test.length);
      trainSum += idx.length;
      const ones = te.y.reduce((a, b) => a + (b === 1 ? 1 : 0), 0);
      if (ones > 0 && ones < te.y.length) {
        aucSum += auc(te.y, p);
        aucN++;
      }
      llSum += logLoss(te.y, p);
      onFit?.();
    }
    const k = plan.splits.length;
    return { fraction: f, train: trainSum / k, auc: aucN === 0 ? NaN : aucSum / aucN, logloss: llSum / k };
  });
}

function rowsOf(d: MlDataset, idx: ArrayLike<number>): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(idx.length * d.cols);
  const y = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const r = idx[k]!;
    x.set(d.x.subarray(r * d.cols, (r + 1) * d.cols), k * d.cols);
    y[k] = d.y[r]!;
  }
  return { x, y };
}

/** `0.25,0.5,1` -> fractions in (0, 1], increasing. */
export function parseFractions(text: string): number[] {
  const v = text.split(',').map((s) => Number(s.trim()));
  if (v.length === 0 || v.some((x) => !(x > 0 && x <= 1)) || v.some((x, i) => i > 0 && x <= v[i - 1]!)) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `--learning-curve ${text}: fractions must be increasing numbers in (0, 1]`,
      {
        hint: 'e.g. --learning-curve 0.25,0.5,0.75,1',
        context: { flag: '--learning-curve', value: text },
      },
    );
  }
  return v;
}
