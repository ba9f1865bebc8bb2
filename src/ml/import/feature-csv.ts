/**
 * Reads a CSV of feature rows into the matrix a model scores: columns matched to the model's
 * features by name when it stores names, else by position (then the file must have exactly the
 * model's number of columns, as XGBoost and LightGBM themselves require). Empty cells and
 * NaN/NA/null read as missing.
 */
import { statSync } from 'node:fs';
import { DataError } from '../../core/errors.js';
import { openCsvFile } from '../../data/csv-file.js';
import type { ImportedModel } from './model.js';

export interface FeatureMatrix {
  /** Row-major, `model.numFeatures` columns per row, in the model's order. */
  readonly x: Float64Array;
  readonly rows: number;
  /** The file's line number of each row, for messages. */
  readonly lines: Int32Array;
}

const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null', 'none']);
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|infinity)$/i;

/** One cell as a number: NaN for a missing cell, undefined when it is not a number at all. */
export function parseFeatureCell(cell: string): number | undefined {
  const s = cell.trim();
  if (MISSING.has(s.toLowerCase())) return NaN;
  if (!DECIMAL.test(s)) return undefined;
  const lower = s.toLowerCase();
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return s.startsWith('-') ? -Infinity : Infinity;
  return Number(s);
}

export function readFeatureCsv(path: string, file: string, model: ImportedModel, modelFile: string): FeatureMatrix {
  try {
    if (statSync(path).size === 0) throw new Error('empty');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DataError(
      'DATA_NOT_FOUND',
      `cannot read ${file}: ${missing ? 'no such file' : 'it is empty or unreadable'}`,
      {
        hint: 'give --input a CSV with a header line of feature names and one row per observation',
        context: { file, flag: '--input' },
      },
    );
  }
  const csv = openCsvFile(path);
  try {
    const header = csv.header.cells.map((c) => c.trim());
    const columns = matchColumns(header, model, file, modelFile);
    const n = model.numFeatures;
    let x = new Float64Array(n * 1024);
    let lines = new Int32Array(1024);
    let rows = 0;
    for (const rec of csv.records) {
      if (rows === lines.length) {
        const bx = new Float64Array(x.length * 2);
        bx.set(x);
        x = bx;
        const bl = new Int32Array(lines.length * 2);
        bl.set(lines);
        lines = bl;
      }
      if (rec.cells.length !== header.length) {
        throw new DataError('DATA_INVALID', `the row has ${rec.cells.length} cells; the header has ${header.length}`, {
          hint: 'give every row one cell per header column (an empty cell is a missing value)',
          context: { file, row: rec.line },
        });
      }
      for (let j = 0; j < n; j++) {
        const col = columns[j] as number;
        const v = parseFeatureCell(rec.cells[col] as string);
        if (v === undefined) {
          throw new DataError('DATA_INVALID', `"${rec.cells[col]}" is not a number`, {
            hint: 'feature cells are decimal numbers; leave a cell empty (or NaN) for a missing value',
            context: { file, row: rec.line, column: header[col] as string },
          });
        }
        x[rows * n + j] = v;
      }
      lines[rows] = rec.line;
      rows++;
    }
    return { x: x.subarray(0, rows * n), rows, lines: lines.subarray(0, rows) };
  } finally {
    csv.close();
  }
}

/** For each model feature, its column in the file. */
function matchColumns(header: readonly string[], model: ImportedModel, file: string, modelFile: string): number[] {
  const names = model.featureNames;
  if (names === undefined) {
    if (header.length !== model.numFeatures) {
      throw new DataError(
        'ML_FEATURE_MISSING',
        `${header.length} columns, but ${modelFile} stores no feature names, so its ${model.numFeatures} features are taken by position`,
        {
          hint: `give exactly ${model.numFeatures} columns, in the order the model was trained on`,
          context: { file, flag: '--input' },
        },
      );
    }
    return header.map((_, j) => j);
  }
  const at = new Map<string, number>();
  header.forEach((h, j) => {
    if (!at.has(h)) at.set(h, j);
  });
  return names.map((name) => {
    const j = at.get(name);
    if (j !== undefined) return j;
    const near = header.find((h) => h.toLowerCase() === name.toLowerCase());
    throw new DataError('ML_FEATURE_MISSING', `no column "${name}", a feature of ${modelFile}`, {
      hint:
        (near === undefined ? '' : `"${near}" differs only in case; names match exactly. `) +
        `the model needs these ${names.length} columns (others are ignored): ${names.join(', ')}`,
      context: { file, column: name },
    });
  });
}
