import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probabilisticSharpe } from '../../../src/analytics/stats/psr.js';
import { estimateSharpe } from '../../../src/analytics/stats/sharpe-estimate.js';
import { trainGbdt } from '../../../src/ml/gbdt/train.js';
import { predict } from '../../../src/ml/import/predict.js';
import { readModelBytes } from '../../../src/ml/import/read-model.js';
import { datasetFromCsv, type MlDataset } from '../../../src/ml/research/dataset.js';
import { cvPlan, evaluate, strategyReturns } from '../../../src/ml/research/evaluate.js';
import { dsrOf, evaluateGates, meanJaccard, topK, type GateInputs } from '../../../src/ml/research/gates.js';
import { parseCv, parseLabel, parseParams, parseSearch } from '../../../src/ml/research/spec.js';
import { SeededRandom } from '../../../src/ml/random.js';
import { tempDir } from '../../support/cli.js';
import { failure, messageOf } from '../support.js';

const GATES = {
  min_auc: 0.52,
  min_ic: 0.02,
  min_dsr: 0.95,
  max_pbo: 0.5,
  stability_top_k: 2,
  min_feature_jaccard: 0.5,
};

describe('research flags', () => {
  it('parse labels, CV designs, parameters and searches', () => {
    expect(parseLabel('fixed:h=5')).toEqual({ kind: 'fixed', horizon: 5 });
    expect(parseLabel('triple-barrier:pt=2,sl=1,h=10')).toEqual({
      kind: 'triple-barrier',
      profitTake: 2,
      stopLoss: 1,
      horizon: 10,
      volSpan: 20,
    });
    expect(parseCv('kfold:5,embargo=0.01')).toEqual({ method: 'kfold', folds: 5, embargo: 0.01 });
    expect(parseCv('cpcv:6,2')).toEqual({ method: 'cpcv', groups: 6, testGroups: 2, embargo: 0 });
    expect(parseParams(['num_leaves=15', 'boost_from_average=false', 'objective=binary'])).toEqual({
      num_leaves: 15,
      boost_from_average: false,
      objective: 'binary',
    });
    expect(parseSearch('subsets:3')).toEqual({ subsetSize: 3 });
  });

  it('name the flag and the accepted form of a bad one', () => {
    expect(failure(() => parseLabel('fixed:h=0'))).toBe('UsageError USAGE_INVALID_OPTION');
    expect(messageOf(() => parseLabel('fixed:h=0'))).toContain('--label fixed:h=0: h "0"');
    expect(messageOf(() => parseLabel('triple-barrier:pt=2,h=10'))).toContain('sl is missing');
    expect(messageOf(() => parseCv('cpcv:6,6'))).toContain('k "6"');
    expect(messageOf(() => parseCv('kfold:5,purge=1'))).toContain('unknown key "purge"');
    expect(messageOf(() => parseCv('walk:5'))).toContain('unknown CV design "walk"');
    expect(messageOf(() => parseParams(['lambda']))).toContain('is not key=value');
    expect(messageOf(() => parseSearch('random:3'))).toContain('is not subsets:K');
  });
});

describe('gates', () => {
  it('Jaccard of the folds\u2019 top-k sets, by hand', () => {
    // {a,b} vs {a,c}: 1/3; {a,b} vs {a,b}: 1; {a,c} vs {a,b}: 1/3 -> mean 5/9.
    expect(
      meanJaccard([
        ['a', 'b'],
        ['a', 'c'],
        ['a', 'b'],
      ]),
    ).toBeCloseTo(5 / 9, 12);
    expect(meanJaccard([['a']])).toBe(1);
    expect(topK([0.1, 0.5, 0.3], ['x', 'y', 'z'], 2)).toEqual(['y', 'z']);
    // Ties go by name, so the sets do not depend on the column order.
    expect(topK([1, 1, 0], ['b', 'a', 'c'], 1)).toEqual(['a']);
  });

  it('one trial without a recorded search: DSR is PSR against 0, and PBO does not apply', () => {
    const returns = [0.01, -0.005, 0.02, 0.003, -0.01, 0.015, 0.007, -0.002];
    const e = estimateSharpe(returns);
    const d = dsrOf({ returns, trials: 1, trialSharpes: [] });
    expect(d.dsr).toBeCloseTo(probabilisticSharpe(e.sharpe, e.observations, e.skew, e.kurtosis, 0), 12);
    const inputs: GateInputs = {
      auc: 0.6,
      ic: 0.1,
      returns,
      trials: 1,
      trialSharpes: [],
      trialReturns: [],
      foldMdi: [
        [3, 2, 0],
        [3, 0, 2],
      ],
      features: ['a', 'b', 'c'],
    };
    const gates = evaluateGates(inputs, GATES);
    expect(gates.find((g) => g.gate === 'pbo')).toMatchObject({ value: null, pass: true });
    // {a,b} vs {a,c}: 1/3 < 0.5.
    expect(gates.find((g) => g.gate === 'stability')).toMatchObject({ pass: false });
    expect(gates.find((g) => g.gate === 'stability')?.value).toBeCloseTo(1 / 3, 12);
  });

  it('declared trials deflate with V = 1/T: more trials, lower DSR', () => {
    const rng = new SeededRandom(3);
    const returns = Array.from({ length: 250 }, () => 0.001 + 0.01 * rng.normal());
    const one = dsrOf({ returns, trials: 1, trialSharpes: [] });
    const many = dsrOf({ returns, trials: 100, trialSharpes: [] });
    expect(many.variance).toBeCloseTo(1 / 250, 15);
    expect(many.dsr).toBeLessThan(one.dsr);
  });
});

describe('momentic-gbdt through READERS', () => {
  it('scores a trained model exactly as the model itself, missing values included', () => {
    const rng = new SeededRandom(11);
    const rows = 400;
    const x = new Float64Array(rows * 3);
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < 3; j++) x[r * 3 + j] = rng.normal();
      if (r % 17 === 0) x[r * 3 + 1] = NaN;
      y[r] = x[r * 3]! + 0.5 * rng.normal() > 0 ? 1 : 0;
    }
    const m = trainGbdt(
      { objective: 'binary', num_iterations: 20, num_leaves: 7, min_data_in_leaf: 5 },
      { features: x, rows, cols: 3, labels: y },
      { featureNames: ['a', 'b', 'c'] },
    );
    const imported = readModelBytes(Buffer.from(JSON.stringify(m.toJSON())), 'm.json');
    expect(imported.format).toBe('momentic-gbdt');
    expect(imported.featureNames).toEqual(['a', 'b', 'c']);
    const got = predict(imported, x, rows);
    expect(Array.from(got.margin)).toEqual(Array.from(m.predictRaw(x)));
    expect(Array.from(got.value)).toEqual(Array.from(m.predict(x)));
  });
});

function csv(lines: string[]): string {
  const dir = tempDir();
  const file = join(dir, 'f.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('CSV datasets and evaluation', () => {
  it('reads times (shared by rows), labels, returns and label spans', () => {
    const file = csv(['t,y,r,a', '1,1,0.02,0.5', '1,0,-0.01,0.1', '2,1,0.03,0.7', '3,0,-0.02,0.2']);
    const d = datasetFromCsv(file, 'f.csv', { labelColumn: 'y', timeColumn: 't', returnColumn: 'r', horizon: 2 });
    expect(d.names).toEqual(['a']);
    expect(Array.from(d.y)).toEqual([1, 0, 1, 0]);
    expect(Array.from(d.ret)).toEqual([0.02, -0.01, 0.03, -0.02]);
    expect(Array.from(d.t0)).toEqual([0, 0, 1, 2]);
    // t1 = t0 + h - 1, capped at the last time.
    expect(Array.from(d.t1)).toEqual([1, 1, 2, 2]);
    expect(d.times).toEqual(['1', '2', '3']);
  });

  it('refuses unsorted times and non-numbers, naming the line', () => {
    const o = { labelColumn: 'y', timeColumn: 't' };
    expect(messageOf(() => datasetFromCsv(csv(['t,y,a', '2,1,1', '1,0,2']), 'f.csv', o))).toContain('f.csv line 3');
    expect(messageOf(() => datasetFromCsv(csv(['t,y,a', '1,1,x']), 'f.csv', o))).toContain('feature a "x"');
    expect(messageOf(() => datasetFromCsv(csv(['t,y,a', '1,1,1']), 'f.csv', { ...o, labelColumn: 'z' }))).toContain(
      'no column "z"',
    );
  });

  it('strategy returns: sign of P - 0.5 times the return, averaged per time step', () => {
    const d = { rows: 3, t0: Int32Array.from([0, 0, 1]), ret: Float64Array.from([0.02, -0.01, 0.03]) } as MlDataset;
    // step 0: (+1 * 0.02 + -1 * -0.01) / 2 = 0.015; step 1: -1 * 0.03.
    expect(Array.from(strategyReturns(d, [0.7, 0.2, 0.4]))).toEqual([0.015, -0.03]);
  });

  it('CPCV evaluation: one fold per split, one Sharpe per path, pooled predictions averaging the paths', () => {
    const rng = new SeededRandom(5);
    const lines = ['t,y,s,n'];
    for (let t = 0; t < 240; t++) {
      const s = rng.normal();
      lines.push(`${t},${s + 0.7 * rng.normal() > 0 ? 1 : 0},${s},${rng.normal()}`);
    }
    const d = datasetFromCsv(csv(lines), 'f.csv', { labelColumn: 'y', timeColumn: 't' });
    const plan = cvPlan(d, parseCv('cpcv:4,2'));
    const ev = evaluate(d, plan, { kind: 'logistic', params: {} });
    expect(ev.folds).toHaveLength(6);
    expect(ev.pathSharpes).toHaveLength(3);
    expect(ev.auc).toBeGreaterThan(0.75);
    // The signal column carries most of the logistic model's weight in every fold.
    for (const f of ev.folds) expect(f.mdi[0]).toBeGreaterThan(f.mdi[1]!);
  });
});
