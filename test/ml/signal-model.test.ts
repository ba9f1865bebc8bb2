import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMomenticError } from '../../src/core/errors.js';
import { trainGbdt } from '../../src/ml/gbdt/train.js';
import { loadSignalModel } from '../../src/ml/signal-model.js';
import { expectedOutputs, featureRows, FIXTURES, META } from './import-fixtures.js';
import { failure } from './support.js';

const DIR = mkdtempSync(join(tmpdir(), 'momentic-signal-model-'));

describe('loadSignalModel', () => {
  const nf = META.inputs.features.length;
  const x = featureRows(META.inputs.rows, META.inputs.seed, nf);

  for (const m of META.models.filter((m) => m.objective.includes('binary'))) {
    it(`scores ${m.name} row by row as ${m.format === 'xgboost-json' ? 'XGBoost' : 'LightGBM'} itself did`, () => {
      const model = loadSignalModel(join(FIXTURES, m.file), m.file);
      expect(model).toMatchObject({ format: m.format, output: 'probability', numFeatures: nf });
      expect(model.featureNames).toEqual(META.inputs.features);
      // The library's own predictions (generate.py) on rows with NaN, -0 and tiny values: XGBoost's
      // to the float32 bit; LightGBM's within 1e-12 relative (exp differs between libc and V8 in
      // the last bit, as in test/ml/import-cli.test.ts).
      const want = expectedOutputs(m).value;
      for (let r = 0; r < 500; r++) {
        const got = model.score(x.subarray(r * nf, (r + 1) * nf));
        if (m.precision === 'float32') expect(got).toBe(want[r]);
        else expect(Math.abs(got - want[r]!)).toBeLessThanOrEqual(1e-12 * Math.abs(want[r]!));
      }
    });
  }

  it("reads momentic's GBDT artifact and scores it as GbdtModel.predict", () => {
    const rows = 400;
    const y = Float64Array.from({ length: rows }, (_, r) => (((x[r * nf] as number) || 0) > 0 ? 1 : 0));
    const gbdt = trainGbdt(
      { objective: 'binary', num_iterations: 10, num_leaves: 4, min_data_in_leaf: 10 },
      { features: x.slice(0, rows * nf), rows, cols: nf, labels: y },
      { featureNames: META.inputs.features },
    );
    const file = join(DIR, 'gbdt.json');
    writeFileSync(file, JSON.stringify(gbdt.toJSON()));
    const model = loadSignalModel(file);
    expect(model).toMatchObject({ format: 'momentic-gbdt', output: 'probability', numFeatures: nf });
    const all = gbdt.predict(x.slice(0, rows * nf));
    for (let r = 0; r < rows; r++) expect(model.score(x.subarray(r * nf, (r + 1) * nf))).toBe(all[r]);
  });

  it('names the file when a GBDT artifact is broken, and reads no folder', () => {
    const file = join(DIR, 'broken.json');
    writeFileSync(
      file,
      JSON.stringify({ format: 'momentic-gbdt', version: 1, objective: 'binary', num_features: 'x' }),
    );
    expect(failure(() => loadSignalModel(file))).toBe('DataError ML_MODEL_INVALID num_features');
    try {
      loadSignalModel(file);
    } catch (e) {
      expect(isMomenticError(e) && e.context.file).toBe(file);
      expect((e as Error).message).toContain(`model ${file}: gbdt artifact num_features`);
    }
    expect(failure(() => loadSignalModel(DIR))).toBe('DataError DATA_NOT_FOUND params.model');
  });
});
