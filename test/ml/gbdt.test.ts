/**
 * The GBDT learner against values derived by hand: the split gain T(G)^2/(H+l2) summed over
 * children minus the parent's, leaf values -T(G)/(H+l2) times the learning rate, L1
 * soft-thresholding, bin edges, the histogram subtraction trick, seeds, early stopping and the
 * quantile objective.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../../src/core/errors.js';
import {
  binOf,
  binUpperBounds,
  buildHistogram,
  findBins,
  binMatrix,
  GbdtModel,
  Rng,
  resolveParams,
  subtractHistogram,
  thresholdL1,
  trainGbdt,
  type GbdtDataset,
  type GbdtParams,
} from '../../src/ml/gbdt/index.js';

const oneColumn = (xs: number[], ys: number[]): GbdtDataset => ({
  features: Float64Array.from(xs),
  rows: xs.length,
  cols: 1,
  labels: Float64Array.from(ys),
});

/** One split, no starting score, every row counts: the tree is the hand computation below. */
const STUMP: Partial<GbdtParams> = {
  objective: 'regression',
  num_iterations: 1,
  num_leaves: 2,
  learning_rate: 0.5,
  lambda_l2: 1,
  min_data_in_leaf: 1,
  min_sum_hessian_in_leaf: 0,
  boost_from_average: false,
};

describe('one split on four rows', () => {
  // x = 1,2,3,4 and y = 0,0,1,1 from score 0: gradients 0,0,-1,-1, hessians 1. Parent: G=-2, H=4,
  // score 4/5. Cuts at 1.5: 0 + 4/4 - 4/5 = 0.2; at 2.5: 0 + 4/3 - 4/5 = 8/15; at 3.5:
  // 1/4 + 1/2 - 4/5 = -0.05. The split at 2.5 wins; leaves -0/3 * 0.5 = 0 and 2/3 * 0.5 = 1/3.
  const model = trainGbdt(STUMP, oneColumn([1, 2, 3, 4], [0, 0, 1, 1]));
  const tree = model.trees[0]!;

  it('splits at the midpoint 2.5 with gain 8/15', () => {
    expect(tree.numLeaves).toBe(2);
    expect(tree.threshold[0]).toBe(2.5);
    expect(tree.splitGain[0]).toBeCloseTo(8 / 15, 14);
  });

  it('gives the leaves -G/(H+lambda) times the learning rate', () => {
    expect(Math.abs(tree.leafValue[0]!)).toBe(0);
    expect(tree.leafValue[1]).toBeCloseTo(1 / 3, 14);
    expect(Array.from(model.predict(Float64Array.of(1, 2, 3, 4)), (v) => v + 0)).toEqual([0, 0, 1 / 3, 1 / 3]);
  });

  it('counts the split and its gain in the feature importances', () => {
    expect(Array.from(model.featureImportance('split'))).toEqual([1]);
    expect(model.featureImportance('gain')[0]).toBeCloseTo(8 / 15, 14);
  });
});

describe('min_data_in_leaf', () => {
  // Regression on y = 0,0,0,5 (gradients 0,0,0,-5, hessians 1, lambda 1): the cut at 3.5 gains
  // 25/2 - 25/5 = 7.5 with one row on its right, the cut at 2.5 gains 25/3 - 5 = 3.33.
  // Binary on y = 0,0,0,1 from score 0 (gradients 0.5,0.5,0.5,-0.5, hessians 0.25): the cut at
  // 3.5 gains 2.25/1.75 + 0.25/1.25 - 1/2 = 0.99, the cut at 2.5 gains 1/1.5 - 1/2 = 0.17.
  it.each([
    ['regression', [0, 0, 0, 5]],
    ['binary', [0, 0, 0, 1]],
  ] as const)('bounds the rows in each leaf (%s)', (objective, y) => {
    const data = oneColumn([1, 2, 3, 4], [...y]);
    const base = { ...STUMP, objective, min_sum_hessian_in_leaf: 0 };
    expect(trainGbdt({ ...base, min_data_in_leaf: 1 }, data).trees[0]!.threshold[0]).toBe(3.5);
    expect(trainGbdt({ ...base, min_data_in_leaf: 2 }, data).trees[0]!.threshold[0]).toBe(2.5);
    expect(trainGbdt({ ...base, min_data_in_leaf: 3 }, data).trees[0]!.numLeaves).toBe(1);
  });
});

describe('L1 regularization', () => {
  it('soft-thresholds a gradient sum by lambda_l1', () => {
    expect(thresholdL1(5, 2)).toBe(3);
    expect(thresholdL1(-5, 2)).toBe(-3);
    expect(thresholdL1(1.5, 2)).toBe(0);
    expect(thresholdL1(-1.5, 0)).toBe(-1.5);
  });

  it('shrinks gains and leaf values on the four rows', () => {
    // lambda_l1 = 0.5: the right leaf's G = -2 thresholds to -1.5, so its score is 2.25/3 = 0.75,
    // the parent's 2.25/5 = 0.45 (gain 0.3), and its value 1.5/3 * 0.5 = 0.25.
    const tree = trainGbdt({ ...STUMP, lambda_l1: 0.5 }, oneColumn([1, 2, 3, 4], [0, 0, 1, 1])).trees[0]!;
    expect(tree.threshold[0]).toBe(2.5);
    expect(tree.splitGain[0]).toBeCloseTo(0.3, 14);
    expect(tree.leafValue[1]).toBeCloseTo(0.25, 14);
  });
});

describe('missing values', () => {
  it('learns the default direction of NaN from the rows that have it', () => {
    const right = trainGbdt(STUMP, oneColumn([1, 2, 3, 4, NaN, NaN], [0, 0, 1, 1, 1, 1]));
    expect(right.trees[0]!.threshold[0]).toBe(2.5);
    expect(right.trees[0]!.defaultLeft[0]).toBe(0);
    const left = trainGbdt(STUMP, oneColumn([1, 2, 3, 4, NaN, NaN], [1, 1, 0, 0, 1, 1]));
    expect(left.trees[0]!.defaultLeft[0]).toBe(1);
    // NaN rows land with the rows whose labels they share.
    const p = left.predict(Float64Array.of(1, 4, NaN));
    expect(p[2]).toBe(p[0]);
    expect(p[2]).not.toBe(p[1]);
  });
});

describe('binning', () => {
  it('puts each distinct value in its own bin, with edges at midpoints, when they are few', () => {
    const upper = binUpperBounds(Float64Array.of(1, 1, 2, 3, 3, 3), 255);
    expect(Array.from(upper)).toEqual([1.5, 2.5, Infinity]);
    expect([0.5, 1, 1.5, 1.7, 3, 99, NaN].map((v) => binOf(upper, v))).toEqual([0, 0, 0, 1, 2, 2, 3]);
  });

  it('cuts many distinct values into max_bin bins of about equal count', () => {
    // 1..10 into 5 bins: every bin takes 2 values.
    const upper = binUpperBounds(
      Float64Array.from({ length: 10 }, (_, i) => i + 1),
      5,
    );
    expect(Array.from(upper)).toEqual([2.5, 4.5, 6.5, 8.5, Infinity]);
  });

  it('never splits one value across bins and re-plans the rest after a heavy value', () => {
    // 0 six times, then 1..4 into 3 bins: 0 fills the first bin; 4 rows remain for 2 bins.
    const upper = binUpperBounds(Float64Array.of(0, 0, 0, 0, 0, 0, 1, 2, 3, 4), 3);
    expect(Array.from(upper)).toEqual([0.5, 2.5, Infinity]);
  });

  it('keeps at most max_bin bins plus the missing bin', () => {
    const rng = new Rng(3);
    const x = Float64Array.from({ length: 5000 }, (_, i) => (i % 50 === 0 ? NaN : rng.next()));
    const bins = findBins(x, 5000, 1, 255, 200_000, new Rng(0));
    expect(bins.numBins[0]).toBe(255);
    const binned = binMatrix(x, 5000, 1, bins);
    const counts = new Int32Array(256);
    for (const b of binned) counts[b]!++;
    expect(counts[255]).toBe(100);
    // Equal-count bins: 4900 values over 255 bins is about 19 each.
    expect(Math.max(...counts.subarray(0, 255))).toBeLessThanOrEqual(21);
    expect(Math.min(...counts.subarray(0, 255))).toBeGreaterThanOrEqual(17);
  });
});

describe('histograms', () => {
  it('parent minus the smaller child equals the larger child built directly', () => {
    const rows = 1000;
    const cols = 3;
    const rng = new Rng(9);
    const x = Float64Array.from({ length: rows * cols }, () => (rng.next() < 0.1 ? NaN : Math.floor(rng.next() * 40)));
    const bins = findBins(x, rows, cols, 255, rows, new Rng(0));
    const binned = binMatrix(x, rows, cols, bins);
    // Gradients on a 1/8 grid add up exactly, so the comparison can be exact.
    const grad = Float64Array.from({ length: rows }, () => Math.floor(rng.next() * 64 - 32) / 8);
    const hess = Float64Array.from({ length: rows }, () => Math.floor(rng.next() * 16 + 1) / 8);
    const all = Int32Array.from({ length: rows }, (_, i) => i);
    const small = all.filter((r) => r % 3 === 0);
    const large = all.filter((r) => r % 3 !== 0);
    const features = Int32Array.of(0, 1, 2);
    const build = (ids: Int32Array): Float64Array => {
      const h = new Float64Array(bins.totalBins * 3);
      const og = Float64Array.from(ids, (r) => grad[r]!);
      const oh = Float64Array.from(ids, (r) => hess[r]!);
      buildHistogram(h, binned, cols, features, bins.offset, bins.numBins, ids, 0, ids.length, og, oh, false, true);
      return h;
    };
    const parent = build(all);
    const direct = build(large);
    subtractHistogram(parent, build(small), features, bins.offset, bins.numBins);
    expect(Array.from(parent)).toEqual(Array.from(direct));
    // And the missing bins hold the NaN rows.
    const missing = (bins.offset[0]! + bins.numBins[0]!) * 3 + 2;
    expect(direct[missing]).toBe(large.filter((r) => Number.isNaN(x[r * cols]!)).length);
  });

  it('keeps the same gradient and hessian sums without count slots (stride 2)', () => {
    const rows = 500;
    const cols = 4;
    const rng = new Rng(21);
    const x = Float64Array.from({ length: rows * cols }, () => (rng.next() < 0.1 ? NaN : rng.next()));
    const bins = findBins(x, rows, cols, 16, rows, new Rng(0));
    const binned = binMatrix(x, rows, cols, bins);
    // Arbitrary doubles: equal sums need the same rows added to each bin in the same order.
    const og = Float64Array.from({ length: rows }, () => rng.next() - 0.5);
    const oh = Float64Array.from({ length: rows }, () => rng.next());
    const ids = Int32Array.from({ length: rows }, (_, i) => i).filter((r) => r % 4 !== 1);
    const features = Int32Array.of(0, 2, 3);
    const g = Float64Array.from(ids, (r) => og[r]!);
    const h = Float64Array.from(ids, (r) => oh[r]!);
    const three = new Float64Array(bins.totalBins * 3);
    const two = new Float64Array(bins.totalBins * 2);
    buildHistogram(three, binned, cols, features, bins.offset, bins.numBins, ids, 0, ids.length, g, h, false, true);
    buildHistogram(two, binned, cols, features, bins.offset, bins.numBins, ids, 0, ids.length, g, h, false, false, 2);
    for (const f of features) {
      for (let b = bins.offset[f]!; b <= bins.offset[f]! + bins.numBins[f]!; b++) {
        expect([two[2 * b], two[2 * b + 1]]).toEqual([three[3 * b], three[3 * b + 1]]);
      }
    }
    // Feature 1 was not listed: its slots stay untouched.
    expect(two[2 * bins.offset[1]!]).toBe(0);
  });
});

function noisyData(rows: number, cols: number, seed: number): GbdtDataset {
  const rng = new Rng(seed);
  const features = Float64Array.from({ length: rows * cols }, () => (rng.next() < 0.05 ? NaN : rng.next()));
  const labels = Float64Array.from({ length: rows }, (_, r) => {
    const a = features[r * cols] ?? 0;
    return (a === a ? a : 0.5) + 0.5 * rng.next() > 0.75 ? 1 : 0;
  });
  return { features, rows, cols, labels };
}

describe('determinism', () => {
  const params: Partial<GbdtParams> = {
    objective: 'binary',
    num_iterations: 20,
    num_leaves: 8,
    feature_fraction: 0.5,
    bagging_fraction: 0.7,
    bagging_freq: 1,
    bin_construct_sample_cnt: 300,
    seed: 42,
  };
  const data = noisyData(600, 6, 1);

  it('gives the same model bit for bit for the same seed', () => {
    expect(JSON.stringify(trainGbdt(params, data))).toBe(JSON.stringify(trainGbdt(params, data)));
  });

  it('gives another model for another seed (bagging and feature sampling follow it)', () => {
    expect(JSON.stringify(trainGbdt({ ...params, seed: 43 }, data))).not.toBe(JSON.stringify(trainGbdt(params, data)));
  });
});

describe('the artifact', () => {
  it('round-trips through JSON with bit-identical predictions', () => {
    const data = noisyData(800, 5, 2);
    const model = trainGbdt({ objective: 'binary', num_iterations: 15, num_leaves: 12, lambda_l1: 0.1 }, data);
    const back = GbdtModel.fromJSON(JSON.parse(JSON.stringify(model)));
    const a = model.predictRaw(data.features);
    const b = back.predictRaw(data.features);
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    expect(back.numTrees).toBe(15);
    expect(Array.from(back.featureImportance('gain'))).toEqual(Array.from(model.featureImportance('gain')));
  });

  it('names the field at fault in a damaged artifact', () => {
    const json = JSON.parse(JSON.stringify(trainGbdt(STUMP, oneColumn([1, 2, 3, 4], [0, 0, 1, 1]))));
    expect(() => GbdtModel.fromJSON({ ...json, version: 99 })).toThrow(/version: 99 is not a version/);
    json.trees[0].left_child[0] = 0;
    expect(() => GbdtModel.fromJSON(json)).toThrow(DataError);
    expect(() => GbdtModel.fromJSON(json)).toThrow(/trees\[0\]\.left_child\[0\]/);
  });
});

describe('early stopping', () => {
  it('keeps the trees up to the best validation score and stops early_stopping_rounds later', () => {
    // Labels of pure noise: the validation logloss bottoms out early, then rises as trees overfit.
    const rng = new Rng(5);
    const noise = (rows: number): GbdtDataset => ({
      features: Float64Array.from({ length: rows * 4 }, () => rng.next()),
      rows,
      cols: 4,
      labels: Float64Array.from({ length: rows }, () => (rng.next() < 0.5 ? 1 : 0)),
    });
    const train = noise(300);
    const valid = noise(300);
    const params = { objective: 'binary', num_iterations: 200, num_leaves: 16, learning_rate: 0.3, min_data_in_leaf: 2, early_stopping_rounds: 5 } as const; // prettier-ignore
    const model = trainGbdt(params, train, { valid });
    const history = model.validMetric;
    const best = history.indexOf(Math.min(...history));
    expect(model.numTrees).toBe(best + 1);
    expect(history.length).toBe(best + 1 + 5);
    expect(model.numTrees).toBeLessThan(200);
    // The kept model scores exactly the best recorded figure.
    const p = model.predict(valid.features);
    let logloss = 0;
    for (let i = 0; i < valid.rows; i++) logloss -= Math.log(valid.labels[i] === 1 ? p[i]! : 1 - p[i]!);
    expect(logloss / valid.rows).toBeCloseTo(history[best]!, 12);
  });
});

describe('quantile objective', () => {
  it("converges to the labels' empirical quantile on a constant feature", () => {
    // y = 1..100 in scrambled order; numpy.quantile(y, 0.9) = 1 + 0.9 * 99 = 90.1.
    const y = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    const data = oneColumn(new Array<number>(100).fill(0), y);
    const params = { objective: 'quantile', alpha: 0.9, num_iterations: 60, learning_rate: 0.5, boost_from_average: false } as const; // prettier-ignore
    const model = trainGbdt(params, data);
    expect(model.predict(Float64Array.of(0))[0]).toBeCloseTo(90.1, 9);
    // Each tree closes half the remaining gap: after one tree the score is 0.5 * 90.1.
    expect(trainGbdt({ ...params, num_iterations: 1 }, data).predict(Float64Array.of(0))[0]).toBeCloseTo(45.05, 12);
  });
});

describe('bad input', () => {
  it('refuses an out-of-range or unknown parameter, naming it', () => {
    expect(() => resolveParams({ num_leaves: 1 })).toThrow(ConfigError);
    expect(() => resolveParams({ num_leaves: 1 })).toThrow(/num_leaves: 1 is out of range/);
    expect(() => resolveParams({ numLeaves: 8 } as Partial<GbdtParams>)).toThrow(/numLeaves is not known/);
    expect(() => resolveParams({ objective: 'poisson' as 'binary' })).toThrow(/"poisson" is not an objective/);
  });

  it('refuses binary labels other than 0 and 1, naming the row', () => {
    expect(() => trainGbdt({ objective: 'binary' }, oneColumn([1, 2, 3], [0, 2, 1]))).toThrow(/train: label of row 1 is 2/); // prettier-ignore
  });

  it('refuses a matrix whose size is not rows x cols', () => {
    const data = { features: new Float64Array(5), rows: 3, cols: 2, labels: new Float64Array(3) };
    expect(() => trainGbdt({}, data)).toThrow(DataError);
    const model = trainGbdt(STUMP, oneColumn([1, 2, 3, 4], [0, 0, 1, 1]));
    expect(() => trainGbdt({}, oneColumn([1], [1]), { valid: data })).toThrow(/valid: has 2 columns/);
    expect(model.predict(new Float64Array(0)).length).toBe(0);
  });
});
