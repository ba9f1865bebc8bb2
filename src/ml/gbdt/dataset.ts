/** A training or validation set: a row-major Float64Array matrix (NaN = missing) and its labels. */
import { DataError } from '../../core/errors.js';
import type { Objective } from './params.js';

export interface GbdtDataset {
  /** rows x cols, row-major; NaN marks a missing value. */
  readonly features: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly labels: Float64Array;
}

function bad(where: string, message: string, hint: string, extra: Record<string, number> = {}): DataError {
  return new DataError('DATA_INVALID', `gbdt ${where}: ${message}`, { hint, context: { key: where, ...extra } });
}

/** Checks shapes and labels, naming the set (`train`, `valid`) and the first bad row. */
export function checkDataset(where: string, d: GbdtDataset, objective: Objective, cols?: number): void {
  if (!Number.isInteger(d.rows) || d.rows < 1 || !Number.isInteger(d.cols) || d.cols < 1) {
    throw bad(
      where,
      `needs at least one row and one column, got ${d.rows} x ${d.cols}`,
      'pass rows >= 1 and cols >= 1',
    );
  }
  if (cols !== undefined && d.cols !== cols) {
    throw bad(where, `has ${d.cols} columns, the training set has ${cols}`, 'build both sets with the same features');
  }
  if (d.features.length !== d.rows * d.cols) {
    throw bad(
      where,
      `features hold ${d.features.length} values, rows x cols is ${d.rows * d.cols}`,
      'pass a row-major matrix of rows x cols values',
    );
  }
  if (d.labels.length !== d.rows) {
    throw bad(where, `has ${d.labels.length} labels for ${d.rows} rows`, 'pass one label per row');
  }
  for (let i = 0; i < d.rows; i++) {
    const y = d.labels[i] as number;
    if (!Number.isFinite(y)) throw bad(where, `label of row ${i} is ${y}`, 'drop rows without a label', { row: i });
    if (objective === 'binary' && y !== 0 && y !== 1) {
      throw bad(where, `label of row ${i} is ${y}, binary labels are 0 or 1`, 'map the classes to 0 and 1', { row: i });
    }
  }
}
