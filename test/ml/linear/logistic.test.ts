import { describe, expect, it } from 'vitest';
import { fitLogistic, sigmoid } from '../../../src/ml/linear/logistic.js';
import { matrixFromRows, type FeatureMatrix } from '../../../src/ml/matrix.js';
import { SeededRandom } from '../../../src/ml/random.js';
import { failure } from '../support.js';

describe('fitLogistic (L2, Newton/IRLS)', () => {
  it('finds the closed-form MLE of one binary feature: b = logit(p0), β = logit(p1) - logit(p0)', () => {
    // x = 0: 3 of 4 positive (p0 = 3/4); x = 1: 1 of 4 (p1 = 1/4).
    const X = matrixFromRows([[0], [0], [0], [0], [1], [1], [1], [1]]);
    const y = [1, 1, 1, 0, 1, 0, 0, 0];
    const m = fitLogistic(X, y, { lambda: 0 });
    expect(m.converged).toBe(true);
    expect(m.intercept).toBeCloseTo(Math.log(3), 10);
    expect(m.coef[0]).toBeCloseTo(-2 * Math.log(3), 10);
    const p = m.predictProba(matrixFromRows([[0], [1]]));
    expect(p[0]).toBeCloseTo(0.75, 10);
    expect(p[1]).toBeCloseTo(0.25, 10);
    expect([...m.predict(matrixFromRows([[0], [1]]))]).toEqual([1, 0]);
  });

  it('stops where the penalised gradient Xᵀ(p - y) + λβ is zero (recomputed here)', () => {
    const rng = new SeededRandom(8);
    const rows = Array.from({ length: 200 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const y = rows.map(([a, b]) => (rng.uniform() < sigmoid(0.5 + 1.5 * a! - b!) ? 1 : 0));
    const X = matrixFromRows(rows);
    const lambda = 2;
    const m = fitLogistic(X, y, { lambda });
    expect(m.converged).toBe(true);
    const g = gradient(X, y, m.coef, m.intercept, lambda);
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-7);
    // The penalty shrinks: a larger lambda gives smaller coefficients.
    const big = fitLogistic(X, y, { lambda: 200 });
    expect(Math.hypot(...big.coef)).toBeLessThan(Math.hypot(...m.coef));
    // And the signs of the true model come back.
    expect(m.coef[0]!).toBeGreaterThan(0.8);
    expect(m.coef[1]!).toBeLessThan(-0.5);
  });

  it('with no features fits the log-odds of the positive share', () => {
    const X: FeatureMatrix = { rows: 5, cols: 0, data: new Float64Array(0) };
    const m = fitLogistic(X, [1, 1, 0, 1, 0], { lambda: 1 });
    expect(m.intercept).toBeCloseTo(Math.log(3 / 2), 10);
  });

  it('treats a sample weight of 2 as the sample twice', () => {
    const X = matrixFromRows([[0.1], [0.5], [0.9], [1.3], [-0.4]]);
    const w = fitLogistic(X, [0, 1, 0, 1, 0], { lambda: 0.3, sampleWeight: [1, 2, 1, 1, 1] });
    const d = fitLogistic(matrixFromRows([[0.1], [0.5], [0.5], [0.9], [1.3], [-0.4]]), [0, 1, 1, 0, 1, 0], {
      lambda: 0.3,
    });
    expect(w.coef[0]).toBeCloseTo(d.coef[0]!, 10);
    expect(w.intercept).toBeCloseTo(d.intercept, 10);
  });

  it('lets the coefficient run off on separable classes without a penalty, and holds it with one', () => {
    const X = matrixFromRows([[-2], [-1], [1], [2]]);
    // No finite MLE exists: Newton keeps growing β until the gradient underflows.
    const free = fitLogistic(X, [0, 0, 1, 1], { lambda: 0, maxIterations: 30 });
    expect(free.coef[0]!).toBeGreaterThan(10);
    const held = fitLogistic(X, [0, 0, 1, 1], { lambda: 1 });
    expect(held.converged).toBe(true);
    expect(held.coef[0]!).toBeGreaterThan(0.5);
    expect(held.coef[0]!).toBeLessThan(3);
  });

  it('says when it stopped before the gradient reached the tolerance', () => {
    const X = matrixFromRows([[0], [0], [1], [1], [2]]);
    const m = fitLogistic(X, [0, 1, 0, 1, 1], { lambda: 0.1, maxIterations: 1 });
    expect(m.converged).toBe(false);
    expect(m.iterations).toBe(1);
  });

  it('rejects labels other than 0/1, misaligned labels and a negative lambda', () => {
    const X = matrixFromRows([[0], [1]]);
    expect(failure(() => fitLogistic(X, [0, 2], { lambda: 1 }))).toBe('DataError DATA_INVALID y');
    expect(failure(() => fitLogistic(X, [0], { lambda: 1 }))).toBe('DataError DATA_INVALID y');
    expect(failure(() => fitLogistic(X, [0, 1], { lambda: -1 }))).toBe('UsageError USAGE_INVALID_OPTION lambda');
  });
});

function gradient(X: FeatureMatrix, y: number[], coef: Float64Array, b: number, lambda: number): number[] {
  const g = new Array<number>(X.cols + 1).fill(0);
  for (let i = 0; i < X.rows; i++) {
    let z = b;
    for (let j = 0; j < X.cols; j++) z += X.data[i * X.cols + j]! * coef[j]!;
    const r = 1 / (1 + Math.exp(-z)) - y[i]!;
    for (let j = 0; j < X.cols; j++) g[j]! += r * X.data[i * X.cols + j]!;
    g[X.cols]! += r;
  }
  for (let j = 0; j < X.cols; j++) g[j]! += lambda * coef[j]!;
  return g;
}
