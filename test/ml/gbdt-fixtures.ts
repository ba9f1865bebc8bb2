/** Reads the XGBoost reference fixtures that scripts/ml-fixtures/generate.py writes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { GbdtDataset, GbdtParams } from '../../src/ml/gbdt/index.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'ml', 'gbdt');

export interface ParityCase {
  readonly learner_params: Partial<GbdtParams>;
  readonly xgboost: { readonly test_logloss: number; readonly test_auc: number; readonly train_logloss: number };
  readonly features: string[];
}

/** A gzip CSV of features then `label`; empty cells are missing values (NaN). */
export function readDataset(file: string): GbdtDataset {
  const lines = gunzipSync(readFileSync(join(FIXTURES, file)))
    .toString('utf8')
    .trim()
    .split('\n');
  const cols = (lines[0] as string).split(',').length - 1;
  const rows = lines.length - 1;
  const features = new Float64Array(rows * cols);
  const labels = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const cells = (lines[r + 1] as string).split(',');
    for (let c = 0; c < cols; c++) features[r * cols + c] = cells[c] === '' ? NaN : Number(cells[c]);
    labels[r] = Number(cells[cols]);
  }
  return { features, rows, cols, labels };
}

export function readCase(name: string): ParityCase {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as ParityCase;
}

/** ROC AUC by ranks (Mann-Whitney U), ties sharing their mean rank. */
export function auc(labels: Float64Array, scores: Float64Array): number {
  const idx = Array.from(scores.keys()).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  const ranks = new Float64Array(idx.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1] as number] === scores[idx[i] as number]) j++;
    for (let k = i; k <= j; k++) ranks[idx[k] as number] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let pos = 0;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) {
      pos++;
      sum += ranks[i] as number;
    }
  }
  const neg = labels.length - pos;
  return (sum - (pos * (pos + 1)) / 2) / (pos * neg);
}
