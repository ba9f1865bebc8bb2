/**
 * The model-import fixtures (test/fixtures/ml-import/, written by
 * scripts/ml-import-fixtures/generate.py): their inputs, rebuilt from the same integer formula as
 * the script's `feature_rows`, and their expected outputs.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { REPO } from '../support/paths.js';

export const FIXTURES = join(REPO, 'test', 'fixtures', 'ml-import');

export interface FixtureModel {
  readonly name: string;
  readonly file: string;
  readonly format: 'xgboost-json' | 'lightgbm-text';
  readonly objective: string;
  readonly trees: number;
  readonly expected: string;
  /** XGBoost models: outputs on the rows of `boundaryRows`. */
  readonly boundary?: string;
  readonly boundary_rows?: number;
  readonly precision: 'float32' | 'float64';
  readonly source: string;
}

export interface FixtureMeta {
  readonly inputs: { rows: number; seed: number; features: string[]; sha256_f64_le_row_major: string };
  readonly models: FixtureModel[];
}

export const META = JSON.parse(readFileSync(join(FIXTURES, 'meta.json'), 'utf8')) as FixtureMeta;

const TINY = [1e-36, -1e-36, 1e-35, 1.00000001e-35, -1.00000001e-35, 2e-35];

/** generate.py's `feature_rows`: NaN, zeros, -0, tiny values, a 1/16 grid and 32-bit fractions. */
export function featureRows(n: number, seed: number, nf: number): Float64Array {
  let state = seed;
  const next = (): number => (state = (1664525 * state + 1013904223) % 4294967296);
  const out = new Float64Array(n * nf);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < nf; j++) {
      const m = next() % 1000;
      const k = next();
      let x: number;
      if (m < 50) x = NaN;
      else if (m < 80) x = 0;
      else if (m < 85) x = -0;
      else if (m < 90) x = TINY[k % TINY.length] as number;
      else if (m < 150) x = (Math.floor(k / 2 ** 24) - 128) / 16;
      else x = (k / 4294967296 - 0.5) * 2 ** ((j % 4) + 1);
      out[r * nf + j] = x;
    }
  }
  return out;
}

export function inputDigest(x: Float64Array): string {
  return createHash('sha256')
    .update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength))
    .digest('hex');
}

/** The fixture inputs as a CSV with the given header (NaN as an empty cell, -0 as "-0"). */
export function writeInputCsv(path: string, x: Float64Array, header: readonly string[]): void {
  const nf = header.length;
  const lines = [header.join(',')];
  for (let r = 0; r < x.length / nf; r++) {
    const cells: string[] = [];
    for (let j = 0; j < nf; j++) {
      const v = x[r * nf + j] as number;
      cells.push(Number.isNaN(v) ? '' : Object.is(v, -0) ? '-0' : String(v));
    }
    lines.push(cells.join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/**
 * generate.py's `boundary_rows` for an XGBoost model: per split node in file order, row k % rows
 * of `x` with the split's feature set to the split condition, then to a double just below it
 * that rounds to it in float32.
 */
export function boundaryRows(model: FixtureModel, x: Float64Array, nf: number): Float64Array {
  interface Tree {
    left_children: number[];
    split_indices: number[];
    split_conditions: number[];
  }
  const doc = JSON.parse(readFileSync(join(FIXTURES, model.file), 'utf8')) as {
    learner: { gradient_booster: { model: { trees: Tree[] } } };
  };
  const rows = x.length / nf;
  const out: number[] = [];
  let k = 0;
  for (const tree of doc.learner.gradient_booster.model.trees) {
    tree.left_children.forEach((left, node) => {
      if (left === -1) return;
      const feature = tree.split_indices[node] as number;
      const t = tree.split_conditions[node] as number;
      for (const value of [t, t - Math.abs(t) * 2 ** -30]) {
        const row = Array.from(x.subarray((k % rows) * nf, (k % rows) * nf + nf));
        row[feature] = value;
        out.push(...row);
      }
      k++;
    });
  }
  return Float64Array.from(out);
}

/** Expected [margin, value] per row, decoded from the hex bit patterns. */
export function expectedOutputs(
  model: FixtureModel,
  which: 'expected' | 'boundary' = 'expected',
): { margin: Float64Array; value: Float64Array } {
  const lines = gunzipSync(readFileSync(join(FIXTURES, model[which] as string)))
    .toString('utf8')
    .trim()
    .split('\n')
    .slice(1);
  const margin = new Float64Array(lines.length);
  const value = new Float64Array(lines.length);
  const view = new DataView(new ArrayBuffer(8));
  const decode = (hex: string): number => {
    if (hex.length === 8) {
      view.setUint32(0, parseInt(hex, 16));
      return view.getFloat32(0);
    }
    view.setUint32(0, parseInt(hex.slice(0, 8), 16));
    view.setUint32(4, parseInt(hex.slice(8), 16));
    return view.getFloat64(0);
  };
  lines.forEach((line, r) => {
    const [m = '', v = ''] = line.split(' ');
    margin[r] = decode(m);
    value[r] = decode(v);
  });
  return { margin, value };
}
