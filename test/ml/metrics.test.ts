import { describe, expect, it } from 'vitest';
import { accuracy, auc, averageRanks, informationCoefficient, logLoss } from '../../src/ml/metrics.js';
import { SeededRandom } from '../../src/ml/random.js';
import { failure } from './support.js';

describe('metrics', () => {
  it('ranks with ties averaged', () => {
    expect([...averageRanks([10, 30, 20, 30, 10])]).toEqual([1.5, 4.5, 3, 4.5, 1.5]);
  });

  it('AUC counts positive-above-negative pairs: 3 of 4 (scikit-learn’s roc_auc_score example)', () => {
    expect(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
  });

  it('AUC counts a tied pair one half: (0.5 + 1 + 1 + 1) / 4', () => {
    expect(auc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBe(0.875);
  });

  it('AUC equals the brute-force pair count on random scores with ties', () => {
    const rng = new SeededRandom(2);
    const y = Array.from({ length: 300 }, () => (rng.uniform() < 0.4 ? 1 : 0));
    const s = y.map((v) => Math.round((v + rng.normal()) * 4) / 4);
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < y.length; i++) {
      for (let j = 0; j < y.length; j++) {
        if (y[i] !== 1 || y[j] !== 0) continue;
        pairs++;
        wins += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
    }
    expect(auc(y, s)).toBeCloseTo(wins / pairs, 12);
  });

  it('log loss is the mean of -ln p(true class), clipped at 1e-15', () => {
    expect(logLoss([1, 0], [0.8, 0.3])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 14);
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 10);
  });

  it('accuracy is the share of exact matches', () => {
    expect(accuracy([1, 0, 1, 1], [1, 1, 1, 0])).toBe(0.5);
    expect(accuracy([-1, 0, 1], [-1, 0, 0])).toBeCloseTo(2 / 3, 14);
  });

  it('the IC is Spearman’s ρ: 8 / √95 by hand, ±1 for monotone pairs, NaN for a constant side', () => {
    // Ranks of y = 5, 6, 7, 8, 7 are 1, 2, 3.5, 5, 3.5.
    expect(informationCoefficient([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 14);
    expect(informationCoefficient([1, 2, 3], [1, 8, 27])).toBe(1);
    expect(informationCoefficient([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(Number.isNaN(informationCoefficient([1, 2, 3], [4, 4, 4]))).toBe(true);
  });

  it('rejects one-class AUC, probabilities outside [0, 1], labels other than 0/1 and misaligned arrays', () => {
    expect(failure(() => auc([1, 1], [0.2, 0.3]))).toBe('DataError DATA_INVALID yTrue');
    expect(failure(() => auc([1, 0], [0.2]))).toBe('DataError DATA_INVALID score');
    expect(failure(() => auc([1, -1], [0.2, 0.1]))).toBe('DataError DATA_INVALID yTrue');
    expect(failure(() => logLoss([1, 0], [1.2, 0.1]))).toBe('DataError DATA_INVALID probability');
    expect(failure(() => informationCoefficient([1, 2], [1, NaN]))).toBe('DataError DATA_INVALID realized');
  });
});
