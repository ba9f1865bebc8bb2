import { describe, expect, it } from 'vitest';
import { KNearestNeighbors } from '../../src/ml/knn.js';
import { matrixFromRows } from '../../src/ml/matrix.js';
import { SeededRandom } from '../../src/ml/random.js';
import { failure } from './support.js';

describe('KNearestNeighbors', () => {
  it('gives the share of positives among the k nearest (by hand, one feature)', () => {
    const m = KNearestNeighbors.fit(matrixFromRows([[0], [1], [2], [10], [11]]), [0, 0, 1, 1, 1], { k: 3 });
    // 1.4: nearest 1 (0.4), 2 (0.6), 0 (1.4) -> 0, 1, 0. 10.6: 11, 10, 2 -> all 1.
    expect([...m.predictProba(matrixFromRows([[1.4], [10.6]]))]).toEqual([1 / 3, 1]);
  });

  it('matches a brute-force search on random points in 3 dimensions', () => {
    const rng = new SeededRandom(6);
    const pts = Array.from({ length: 400 }, () => [rng.normal(), 3 * rng.normal(), rng.normal()]);
    const y = pts.map(() => (rng.uniform() < 0.5 ? 1 : 0));
    const queries = Array.from({ length: 50 }, () => [rng.normal(), 3 * rng.normal(), rng.normal()]);
    const got = KNearestNeighbors.fit(matrixFromRows(pts), y, { k: 7 }).predictProba(matrixFromRows(queries));
    queries.forEach((q, n) => {
      const nearest = pts
        .map((p, i) => ({ i, d: p.reduce((s, v, j) => s + (v - q[j]!) ** 2, 0) }))
        .sort((a, b) => a.d - b.d || a.i - b.i)
        .slice(0, 7);
      expect(got[n]).toBeCloseTo(nearest.reduce((s, e) => s + y[e.i]!, 0) / 7, 14);
    });
  });

  it('rejects k above the training rows and a query of another width', () => {
    const X = matrixFromRows([[0], [1]]);
    expect(failure(() => KNearestNeighbors.fit(X, [0, 1], { k: 3 }))).toBe('UsageError USAGE_INVALID_OPTION k');
    expect(failure(() => KNearestNeighbors.fit(X, [0, 1], { k: 1 }).predictProba(matrixFromRows([[0, 1]])))).toBe(
      'DataError DATA_INVALID features',
    );
  });
});
