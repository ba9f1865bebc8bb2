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
  readonly #X: FeatureMatrix;
  readonly #y: Float64Array;
  readonly #k: number;
  readonly #axis: number;
  /** Training rows sorted by the axis feature, and that feature's values in that order. */
  readonly #order: Int32Array;
  readonly #keys: Float64Array;

  private constructor(X: FeatureMatrix, y: Float64Array, k: number) {
    this.#X = X;
    this.#y = y;
    this.#k = k;
    this.#axis = widestColumn(X);
    const c = X.cols;
    const axis = this.#axis;
    this.#order = Int32Array.from({ length: X.rows }, (_, i) => i).sort(
      (a, b) => X.data[a * c + axis]! - X.data[b * c + axis]! || a - b,
    );
    this.#keys = Float64Array.from(this.#order, (i) => X.data[i * c + axis]!);
  }

  static fit(X: FeatureMatrix, y: ArrayLike<number>, o: KnnOptions): KNearestNeighbors {
    checkSameLength('feature rows', { length: X.rows }, 'y', y);
    checkBinary('y', y);
    checkInteger('k', o.k, 1, Math.max(1, X.rows), `pass k between 1 and the ${X.rows} training rows`);
    if (X.rows === 0) {
      throw new DataError('DATA_INVALID', 'no training samples', {
        hint: 'check the split: every training sample was purged or embargoed',
        context: { key: 'y', value: '0' },
      });
    }
    return new KNearestNeighbors({ ...X, data: Float64Array.from(X.data) }, Float64Array.from(y), o.k);
  }

  /** The share of positives among each row's k nearest training rows. */
  predictProba(Q: FeatureMatrix): Float64Array {
    const X = this.#X;
    if (Q.cols !== X.cols) {
      throw new DataError('DATA_INVALID', `the matrix has ${Q.cols} features, the model was fitted on ${X.cols}`, {
        hint: 'predict with the same feature columns as the model was trained on',
        context: { key: 'features', value: String(Q.cols) },
      });
    }
    const c = X.cols;
    const k = this.#k;
    const n = X.rows;
    const bestD = new Float64Array(k);
    const bestI = new Int32Array(k);
    const out = new Float64Array(Q.rows);
    for (let q = 0; q < Q.rows; q++) {
      const base = q * c;
      const key = Q.data[base + this.#axis]!;
      let found = 0;
      const consider = (pos: number): void => {
        const i = this.#order[pos]!;
        let d = 0;
        for (let j = 0; j < c; j++) {
          const diff = X.data[i * c + j]! - Q.data[base + j]!;
          d += diff * diff;
        }
        if (found === k && (d > bestD[k - 1]! || (d === bestD[k - 1]! && i > bestI[k - 1]!))) return;
        // Insertion into the k best, kept sorted by (distance, row).
        let m = found < k ? found++ : k - 1;
        while (m > 0 && (bestD[m - 1]! > d || (bestD[m - 1] === d && bestI[m - 1]! > i))) {
          bestD[m] = bestD[m - 1]!;
          bestI[m] = bestI[m - 1]!;
          m--;
        }
        bestD[m] = d;
        bestI[m] = i;
      };
      let right = lowerBound(this.#keys, key);
      let left = right - 1;
      while (left >= 0 || right < n) {
        const dl = left >= 0 ? key - this.#keys[left]! : Infinity;
        const dr = right < n ? this.#keys[right]! - key : Infinity;
        const gap = Math.min(dl, dr);
        if (found === k && gap * gap > bestD[k - 1]!) break;
        if (dl <= dr) consider(left--);
        else consider(right++);
      }
      let positives = 0;
      for (let m = 0; m < k; m++) positives += this.#y[bestI[m]!]!;
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

/** The first position whose key is >= x. */
function lowerBound(keys: Float64Array, x: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
