/**
 * `momentic ml predict` over the fixture models (test/fixtures/ml-import/, see
 * scripts/ml-import-fixtures/generate.py) on all 10,000 fixture rows. XGBoost's expected outputs
 * are XGBoost 1.7's own Booster.predict: margins and values must match to the float32 bit.
 * LightGBM's files are written by the script in its text format and their expected outputs come
 * from the script's independent evaluator of LightGBM's C++ rules (checked equal to LightGBM
 * 4.7.0's own predict, see meta.json): margins must match to the double bit (the same additions
 * in the same order), values within 1e-12 relative (exp differs between libc and V8 in the last
 * bit).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import {
  boundaryRows,
  expectedOutputs,
  featureRows,
  FIXTURES,
  inputDigest,
  META,
  writeInputCsv,
  type FixtureModel,
} from './import-fixtures.js';

const NF = META.inputs.features.length;
const ROWS = META.inputs.rows;
let dir = '';
let x: Float64Array = new Float64Array(0);

/** Named models get their columns shuffled behind an extra column: matching is by name. */
const SHUFFLED = ['symbol', ...[...META.inputs.features].reverse()];

beforeAll(() => {
  dir = tempDir();
  x = featureRows(ROWS, META.inputs.seed, NF);
  writeInputCsv(
    join(dir, 'positional.csv'),
    x,
    META.inputs.features.map((_, j) => `c${j}`),
  );
  const shuffled = new Float64Array(ROWS * SHUFFLED.length);
  for (let r = 0; r < ROWS; r++) {
    shuffled[r * SHUFFLED.length] = r;
    for (let j = 0; j < NF; j++) shuffled[r * SHUFFLED.length + 1 + j] = x[r * NF + (NF - 1 - j)] as number;
  }
  writeInputCsv(join(dir, 'named.csv'), shuffled, SHUFFLED);
});

/** The float32 bit pattern of a printed number (parsed, then rounded to float32). */
const f32bits = (v: number): number => new Uint32Array(Float32Array.of(v).buffer)[0] as number;

function parseCsv(stdout: string): { header: string[]; rows: number[][] } {
  const [head = '', ...lines] = stdout.trimEnd().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',').map(Number)) };
}

const named = (m: FixtureModel): boolean => !['xgb-regression', 'lgb-regression'].includes(m.name);

describe('ml predict on the fixture models', () => {
  it('rebuilds the fixture inputs bit for bit', () => {
    expect(inputDigest(x)).toBe(META.inputs.sha256_f64_le_row_major);
    expect(META.models.map((m) => m.name)).toEqual([
      'xgb-binary',
      'xgb-regression',
      'xgb-missing',
      'lgb-binary',
      'lgb-regression',
      'lgb-missing',
    ]);
  });

  for (const model of META.models) {
    it(`${model.name} (${model.objective}, ${model.trees} trees) equals ${model.precision === 'float32' ? 'XGBoost to the float32 bit' : 'the LightGBM evaluator'} on ${ROWS} rows`, async () => {
      const input = join(dir, named(model) ? 'named.csv' : 'positional.csv');
      const r = await cli(['ml', 'predict', '--model', join(FIXTURES, model.file), '--input', input]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = parseCsv(r.stdout);
      const binary = model.objective.startsWith('binary');
      expect(out.header).toEqual(['row', 'margin', binary ? 'probability' : 'value']);
      expect(out.rows).toHaveLength(ROWS);
      const want = expectedOutputs(model);
      let marginOff = 0;
      let valueOff = 0;
      let worst = 0;
      out.rows.forEach(([row, margin = NaN, value = NaN], i) => {
        expect(row).toBe(i + 1);
        if (model.precision === 'float32') {
          if (f32bits(margin) !== f32bits(want.margin[i] as number)) marginOff++;
          if (f32bits(value) !== f32bits(want.value[i] as number)) valueOff++;
        } else {
          if (!Object.is(margin, want.margin[i])) marginOff++;
          const w = want.value[i] as number;
          worst = Math.max(worst, Math.abs(value - w) / Math.max(Math.abs(w), Number.MIN_VALUE));
        }
      });
      expect(marginOff).toBe(0);
      expect(valueOff).toBe(0);
      expect(worst).toBeLessThanOrEqual(1e-12);
    });
  }

  for (const model of META.models.filter((m) => m.boundary !== undefined)) {
    it(`${model.name}: inputs equal to a split condition, or rounding to it in float32, go right as in XGBoost`, async () => {
      const rows = boundaryRows(model, x, NF);
      expect(rows.length / NF).toBe(model.boundary_rows);
      const file = join(dir, `${model.name}-boundary.csv`);
      writeInputCsv(file, rows, named(model) ? META.inputs.features : META.inputs.features.map((_, j) => `c${j}`));
      const r = await cli(['ml', 'predict', '--model', join(FIXTURES, model.file), '--input', file]);
      expect(r.code).toBe(0);
      const out = parseCsv(r.stdout).rows;
      const want = expectedOutputs(model, 'boundary');
      expect(out).toHaveLength(want.margin.length);
      expect(out.filter(([, m = NaN], i) => f32bits(m) !== f32bits(want.margin[i] as number))).toEqual([]);
      expect(out.filter(([, , v = NaN], i) => f32bits(v) !== f32bits(want.value[i] as number))).toEqual([]);
    });
  }

  it('prints the same numbers as JSON with --format json', async () => {
    const model = META.models.find((m) => m.name === 'xgb-missing') as FixtureModel;
    const r = await cli([
      'ml',
      'predict',
      '--model',
      join(FIXTURES, model.file),
      '--input',
      join(dir, 'named.csv'),
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { row: number; margin: number; value: number }[];
    const want = expectedOutputs(model);
    expect(rows).toHaveLength(ROWS);
    expect(rows[0]).toEqual({ row: 1, margin: expect.any(Number), value: expect.any(Number) });
    expect(rows.filter((o, i) => f32bits(o.margin) !== f32bits(want.margin[i] as number))).toEqual([]);
    expect(rows.filter((o, i) => f32bits(o.value) !== f32bits(want.value[i] as number))).toEqual([]);
  });
});
