import { describe, expect, it } from 'vitest';
import { fitRidge } from '../../../src/ml/linear/ridge.js';
import { matrixFromRows } from '../../../src/ml/matrix.js';
import { SeededRandom } from '../../../src/ml/random.js';
import { failure } from '../support.js';

describe('fitRidge', () => {
  // x = 1..4, y = 2, 3, 5, 6: x̄ = 2.5, ȳ = 4, Sxx = 5, Sxy = 7.
  const X = matrixFromRows([[1], [2], [3], [4]]);
  const y = [2, 3, 5, 6];

  it('matches the closed form of one feature: β = Sxy / (Sxx + λ), b = ȳ - x̄β', () => {
    const m = fitRidge(X, y, { lambda: 1 });
    expect(m.coef[0]).toBeCloseTo(7 / 6, 14);
    expect(m.intercept).toBeCloseTo(4 - 2.5 * (7 / 6), 14); // 13/12
    const ols = fitRidge(X, y, { lambda: 0 });
    expect(ols.coef[0]).toBeCloseTo(1.4, 14);
    expect(ols.intercept).toBeCloseTo(0.5, 14);
    expect([...ols.predict(matrixFromRows([[0], [10]]))].map((v) => +v.toFixed(10))).toEqual([0.5, 14.5]);
  });

  it('without an intercept: β = Σxy / (Σx² + λ) = 47 / 31', () => {
    const m = fitRidge(X, y, { lambda: 1, intercept: false });
    expect(m.coef[0]).toBeCloseTo(47 / 31, 14);
    expect(m.intercept).toBe(0);
  });

  it('solves the normal equations of two features (checked against Cramer’s rule)', () => {
    const rng = new SeededRandom(4);
    const rows = Array.from({ length: 40 }, () => [rng.normal(), rng.normal()]);
    const target = rows.map(([a, b]) => 1 + 2 * a! - b! + 0.1 * rng.normal());
    const m = fitRidge(matrixFromRows(rows), target, { lambda: 3 });
    const mean = (f: (i: number) => number): number => rows.reduce((s, _, i) => s + f(i), 0) / rows.length;
    const mx = [mean((i) => rows[i]![0]!), mean((i) => rows[i]![1]!)];
    const my = mean((i) => target[i]!);
    const s = (j: number, k: number): number => rows.reduce((acc, r) => acc + (r[j]! - mx[j]!) * (r[k]! - mx[k]!), 0);
    const sy = (j: number): number => rows.reduce((acc, r, i) => acc + (r[j]! - mx[j]!) * (target[i]! - my), 0);
    const a = s(0, 0) + 3;
    const b = s(0, 1);
    const d = s(1, 1) + 3;
    const det = a * d - b * b;
    const beta0 = (sy(0) * d - b * sy(1)) / det;
    const beta1 = (a * sy(1) - b * sy(0)) / det;
    expect(m.coef[0]).toBeCloseTo(beta0, 12);
    expect(m.coef[1]).toBeCloseTo(beta1, 12);
    expect(m.intercept).toBeCloseTo(my - mx[0]! * beta0 - mx[1]! * beta1, 12);
  });

  it('treats a sample weight of 2 as the sample twice', () => {
    const weighted = fitRidge(X, y, { lambda: 0.5, sampleWeight: [1, 2, 1, 1] });
    const doubled = fitRidge(matrixFromRows([[1], [2], [2], [3], [4]]), [2, 3, 3, 5, 6], { lambda: 0.5 });
    expect(weighted.coef[0]).toBeCloseTo(doubled.coef[0]!, 12);
    expect(weighted.intercept).toBeCloseTo(doubled.intercept, 12);
  });

  it('rejects a negative lambda, misaligned y or weights, collinear features with lambda 0, and a wrong width at predict', () => {
    expect(failure(() => fitRidge(X, y, { lambda: -1 }))).toBe('UsageError USAGE_INVALID_OPTION lambda');
    expect(failure(() => fitRidge(X, [1, 2], { lambda: 1 }))).toBe('DataError DATA_INVALID y');
    expect(failure(() => fitRidge(X, y, { lambda: 1, sampleWeight: [1, 1, -1, 1] }))).toBe(
      'DataError DATA_INVALID sampleWeight',
    );
    const twin = matrixFromRows([
      [1, 2],
      [2, 4],
      [3, 6],
    ]);
    expect(failure(() => fitRidge(twin, [1, 2, 3], { lambda: 0 }))).toBe('DataError DATA_INVALID lambda');
    expect(failure(() => fitRidge(X, y, { lambda: 1 }).predict(twin))).toBe('DataError DATA_INVALID features');
  });
});
