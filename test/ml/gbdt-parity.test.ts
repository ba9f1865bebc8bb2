/**
 * Parity with XGBoost (tree_method=hist, grow_policy=lossguide) on the fixtures that
 * scripts/ml-fixtures/generate.py writes: with the parameters mapped one to one, our test
 * logloss lies within 1% of XGBoost's, and the AUC within 0.01, on a synthetic set with missing
 * values and on ORCL/NVDA daily bars.
 */
import { describe, expect, it } from 'vitest';
import { binaryLogloss, trainGbdt } from '../../src/ml/gbdt/index.js';
import { auc, readCase, readDataset } from './gbdt-fixtures.js';

describe.each(['synthetic', 'market'])('XGBoost parity on %s', (name) => {
  const c = readCase(name);
  const train = readDataset(`${name}-train.csv.gz`);
  const test = readDataset(`${name}-test.csv.gz`);

  it('reaches a test logloss within 1% of XGBoost and a like AUC', () => {
    const model = trainGbdt(c.learner_params, train, { featureNames: c.features });
    const p = model.predict(test.features);
    const logloss = binaryLogloss(test.labels, p);
    expect(Math.abs(logloss / c.xgboost.test_logloss - 1)).toBeLessThan(0.01);
    expect(Math.abs(auc(test.labels, p) - c.xgboost.test_auc)).toBeLessThan(0.01);
    expect(model.numTrees).toBe(c.learner_params.num_iterations);
  });
});
