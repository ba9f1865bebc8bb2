/**
 * Scores for out-of-sample predictions: AUC, log loss, accuracy and the information coefficient.
 * Pure functions of aligned arrays (labels first, predictions second).
 *
 * @see J. Hanley, B. McNeil, "The meaning and use of the area under a ROC curve", Radiology
 *   143(1), 1982 (AUC as the Mann-Whitney statistic, ties counted one half).
 * @see R. Grinold, R. Kahn, Active Portfolio Management, 2nd ed., ch. 6 (the IC; the rank form
 *   is Spearman's ρ).
 */
import { DataError } from '../core/errors.js';
import { checkBinary, checkFinite, checkSameLength } from './check.js';

/** Ranks 1..n of the values, ties given the mean of the ranks they span. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  let k = 0;
  while (k < n) {
    let end = k + 1;
    while (end < n && values[order[end]!] === values[order[k]!]) end++;
    const rank = (k + 1 + end) / 2; // mean of ranks k+1..end
    for (let m = k; m < end; m++) ranks[order[m]!] = rank;
    k = end;
  }
  return ranks;
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counted 1/2. Needs both classes among the labels (0/1).
 */
export function auc(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  checkSameLength('yTrue', yTrue, 'score', score);
  checkBinary('yTrue', yTrue);
  checkFinite('score', score);
  const ranks = averageRanks(score);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] === 1) {
      positives++;
      rankSum += ranks[i]!;
    }
  }
  const negatives = yTrue.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new DataError(
      'DATA_INVALID',
      `AUC needs both classes; the ${yTrue.length} labels are all ${positives === 0 ? 0 : 1}`,
      {
        hint: 'score a sample with positives and negatives (pool the folds, or use more samples per fold)',
        context: { key: 'yTrue' },
      },
    );
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Probabilities are clipped to [ε, 1 - ε] so a confident miss costs -ln ε, not Infinity (as scikit-learn). */
export const LOG_LOSS_EPSILON = 1e-15;

/** Mean binary cross-entropy -[y ln p + (1 - y) ln(1 - p)] in nats. */
export function logLoss(yTrue: ArrayLike<number>, probability: ArrayLike<number>): number {
  checkSameLength('yTrue', yTrue, 'probability', probability);
  checkBinary('yTrue', yTrue);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const q = probability[i]!;
    if (!(q >= 0 && q <= 1)) {
      throw new DataError('DATA_INVALID', `probability[${i}] is ${q}, not in [0, 1]`, {
        hint: 'pass predicted probabilities (predictProba), not scores or classes in another coding',
        context: { key: 'probability', row: i },
      });
    }
    const c = Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, q));
    sum -= yTrue[i] === 1 ? Math.log(c) : Math.log(1 - c);
  }
  return yTrue.length === 0 ? NaN : sum / yTrue.length;
}

/** Share of predictions equal to the label (any class coding). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength('yTrue', yTrue, 'yPred', yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return yTrue.length === 0 ? NaN : hits / yTrue.length;
}

/**
 * Information coefficient: Spearman's rank correlation of forecasts and realised values (the
 * Pearson correlation of their average ranks). NaN when either side is constant.
 */
export function informationCoefficient(forecast: ArrayLike<number>, realized: ArrayLike<number>): number {
  checkSameLength('forecast', forecast, 'realized', realized);
  checkFinite('forecast', forecast);
  checkFinite('realized', realized);
  const a = averageRanks(forecast);
  const b = averageRanks(realized);
  const n = a.length;
  const mean = (n + 1) / 2; // ranks always average (n + 1) / 2
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - mean) * (b[i]! - mean);
    saa += (a[i]! - mean) ** 2;
    sbb += (b[i]! - mean) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}
