/**
 * k-nearest-neighbour classifier (Euclidean, exact): P(y = 1 | x) is the share of positives
 * among the k training samples nearest to x. It memorises its training set, which makes it the
 * model that shows label leakage most plainly (test/ml/leakage.test.ts); it is no forecaster.
 *
 * The search sorts the training rows on their widest feature and walks outwards from the query
 * until that feature alone is farther than the k-th best distance, so each query reads only the
 * rows near it. Ties in distance go to the earlier training row, so results are deterministic.
 */
import { checkBinary, checkInteger, checkSameLength } from './check.js';
import { type FeatureMatrix } from './matrix.js';
import { DataError } from '../core/errors.js';

export interface KnnOptions {
  /** Neighbours, 1 <= k <= training rows. */
  readonly k: number;
}

export class KNearestNeighbors {
  readonly #cols: number;
  readonly #k: number;
  readonly #axis: number;
  /** Training rows sorted by the axis feature (row-major), their labels and original row numbers. */
  readonly #rows: Float64Array;
  readonly #labels: Float64Array;
  readonly #index: Int32Array;

  private constructor(X: FeatureMatrix, y: ArrayLike<number>, k: number) {
    const c = X.cols;
    const axis = widestColumn(X);
    const order = Int32Array.from({ length: X.rows }, (_, i) => i).sort(
      (a, b) => X.data[a * c + axis]! - X.data[b * c + axis]! || a - b,
    );
    this.#cols = c;
    this.#k = k;
    this.#axis = axis;
    this.#index = order;
    this.#labels = Float64Array.from(order, (i) => y[i]!);
    this.#rows = new Float64Array(X.rows * c);
    order.forEach((i, pos) => this.#rows.set(X.data.subarray(i * c, (i + 1) * c), pos * c));
  }

  static fit(X: FeatureMatrix, y: ArrayLike<number>, o: KnnOptions): KNearestNeighbors {
    checkSameLength('feature rows', { length: X.rows }, 'y', y);
    checkBinary('y', y);
    if (X.rows === 0) {
      throw new DataError('DATA_INVALID', 'no training samples', {
        hint: 'check the split: every training sample was purged or embargoed',
        context: { key: 'y', value: '0' },
      });
    }
    checkInteger('k', o.k, 1, X.rows, `pass k between 1 and the ${X.rows} training rows`);
    return new KNearestNeighbors(X, y, o.k);
  }

  /** The share of positives among each row's k nearest training rows. */
  predictProba(Q: FeatureMatrix): Float64Array {
    const c = this.#cols;
    if (Q.cols !== c) {
      throw new DataError('DATA_INVALID', `the matrix has ${Q.cols} features, the model was fitted on ${c}`, {
        hint: 'predict with the same feature columns as the model was trained on',
        context: { key: 'features', value: String(Q.cols) },
      });
    }
    const k = this.#k;
    const rows = this.#rows;
    const index = this.#index;
    const n = index.length;
    const axis = this.#axis;
    // The k best so far, sorted by (distance, original row): positions into the sorted rows.
    const bestD = new Float64Array(k);
    const bestP = new Int32Array(k);
    const out = new Float64Array(Q.rows);
    for (let q = 0; q < Q.rows; q++) {
      const base = q * c;
      const key = Q.data[base + axis]!;
      let found = 0;
      let right = lowerBound(rows, c, axis, key);
      let left = right - 1;
      while (left >= 0 || right < n) {
        const dl = left >= 0 ? key - rows[left * c + axis]! : Infinity;
        const dr = right < n ? rows[right * c + axis]! - key : Infinity;
        const gap = dl <= dr ? dl : dr;
        if (found === k && gap * gap > bestD[k - 1]!) break;
        const pos = dl <= dr ? left-- : right++;
        let d = 0;
        for (let j = 0; j < c; j++) {
          const diff = rows[pos * c + j]! - Q.data[base + j]!;
          d += diff * diff;
        }
        const row = index[pos]!;
        if (found === k && (d > bestD[k - 1]! || (d === bestD[k - 1]! && row > index[bestP[k - 1]!]!))) continue;
        let m = found < k ? found++ : k - 1;
        while (m > 0 && (bestD[m - 1]! > d || (bestD[m - 1] === d && index[bestP[m - 1]!]! > row))) {
          bestD[m] = bestD[m - 1]!;
          bestP[m] = bestP[m - 1]!;
          m--;
        }
        bestD[m] = d;
        bestP[m] = pos;
      }
      let positives = 0;
      for (let m = 0; m < k; m++) positives += this.#labels[bestP[m]!]!;
      out[q] = positives / k;
    }
    return out;
  }
}

/** The column with the largest variance (the best one to prune the search on). */
function widestColumn(X: FeatureMatrix): number {
  let best = 0;
  let bestVar = -1;
  for (let j = 0; j < X.cols; j++) {
    let s = 0;
    let ss = 0;
    for (let i = 0; i < X.rows; i++) {
      const v = X.data[i * X.cols + j]!;
      s += v;
      ss += v * v;
    }
    const v = ss / Math.max(1, X.rows) - (s / Math.max(1, X.rows)) ** 2;
    if (v > bestVar) {
      bestVar = v;
      best = j;
    }
  }
  return best;
}

/** The first sorted row whose axis feature is >= x. */
function lowerBound(rows: Float64Array, cols: number, axis: number, x: number): number {
  let lo = 0;
  let hi = rows.length / cols;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid * cols + axis]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
