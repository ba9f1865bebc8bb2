/**
 * The feature matrix the models read: rows are samples, columns features, stored row-major in
 * one Float64Array so a row is a contiguous slice. Plus the dense Cholesky solve the linear
 * models need (their systems are features × features, small).
 */
import { DataError } from '../core/errors.js';
import { checkFinite, checkInteger } from './check.js';

export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major: feature j of sample i at i * cols + j. */
  readonly data: Float64Array;
}

/** A matrix from one array per sample (all the same length, finite). */
export function matrixFromRows(rows: readonly ArrayLike<number>[]): FeatureMatrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (r.length !== cols) {
      throw new DataError('DATA_INVALID', `row ${i} has ${r.length} features, row 0 has ${cols}`, {
        hint: 'give every sample the same features in the same order',
        context: { row: i },
      });
    }
    for (let j = 0; j < cols; j++) data[i * cols + j] = r[j]!;
  });
  checkFinite('features', data);
  return { rows: rows.length, cols, data };
}

/** A matrix from one array per feature (column), as feature pipelines produce them. */
export function matrixFromColumns(columns: readonly ArrayLike<number>[]): FeatureMatrix {
  const rows = columns[0]?.length ?? 0;
  const cols = columns.length;
  const data = new Float64Array(rows * cols);
  columns.forEach((c, j) => {
    if (c.length !== rows) {
      throw new DataError('DATA_INVALID', `feature column ${j} has ${c.length} values, column 0 has ${rows}`, {
        hint: 'align every feature column to the same samples',
        context: { column: String(j) },
      });
    }
    for (let i = 0; i < rows; i++) data[i * cols + j] = c[i]!;
  });
  checkFinite('features', data);
  return { rows, cols, data };
}

/** The rows of `m` at `indices` (e.g. a CV split's train set). */
export function selectRows(m: FeatureMatrix, indices: ArrayLike<number>): FeatureMatrix {
  const data = new Float64Array(indices.length * m.cols);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    checkInteger('row index', i, 0, m.rows - 1);
    data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), k * m.cols);
  }
  return { rows: indices.length, cols: m.cols, data };
}

/** The values at `indices`. */
export function selectValues(values: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: indices.length }, (_, k) => values[indices[k]!]!);
}

/**
 * Solves A x = b for a symmetric positive definite A (n × n, row-major, overwritten by its
 * Cholesky factor). Returns undefined when A is not (numerically) positive definite.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array | undefined {
  for (let j = 0; j < n; j++) {
    const diagonal = a[j * n + j]!;
    let d = diagonal;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! ** 2;
    // A pivot that is only rounding noise of its diagonal means a (numerically) singular matrix.
    if (!(d > 1e-12 * diagonal)) return undefined;
    const l = Math.sqrt(d);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / l;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= a[i * n + k]! * x[k]!;
    x[i] = s / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * x[k]!;
    x[i] = s / a[i * n + i]!;
  }
  return x;
}
