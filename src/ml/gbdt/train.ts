/**
 * Gradient boosting over leaf-wise trees (LightGBM's algorithm): bin the features once, then
 * per iteration compute gradients, draw the bag and the feature subset, grow a tree, and add
 * it to the training (and validation) scores. Early stopping keeps the best iteration.
 * @see Ke et al., LightGBM: A Highly Efficient Gradient Boosting Decision Tree (NeurIPS 2017)
 */
import { binMatrix, findBins } from './binning.js';
import { checkDataset, type GbdtDataset } from './dataset.js';
import { TreeLearner } from './grow.js';
import { GbdtModel } from './model.js';
import { objectiveFor, quantileOf } from './objectives.js';
import { resolveParams, type GbdtParams } from './params.js';
import { Rng } from './rng.js';
import type { Tree } from './tree.js';

export interface TrainOptions {
  /** Scored after every tree; early stopping (early_stopping_rounds > 0) watches it. */
  readonly valid?: GbdtDataset;
  readonly featureNames?: readonly string[];
}

/** Trains a model; the same parameters (seed included) and data give the same model bit for bit. */
export function trainGbdt(params: Partial<GbdtParams>, train: GbdtDataset, options: TrainOptions = {}): GbdtModel {
  const p = resolveParams(params);
  checkDataset('train', train, p.objective);
  const { valid } = options;
  if (valid !== undefined) checkDataset('valid', valid, p.objective, train.cols);
  const { rows: n, cols } = train;
  const obj = objectiveFor(p.objective, p.alpha);

  const bins = findBins(train.features, n, cols, p.max_bin, p.bin_construct_sample_cnt, new Rng(p.seed));
  const binned = binMatrix(train.features, n, cols, bins);
  const usable = Int32Array.from({ length: cols }, (_, f) => f).filter((f) => (bins.numBins[f] as number) >= 2);
  const learner = new TreeLearner(binned, n, bins, {
    numLeaves: p.num_leaves,
    maxDepth: p.max_depth,
    lambdaL1: p.lambda_l1,
    lambdaL2: p.lambda_l2,
    minDataInLeaf: p.min_data_in_leaf,
    minSumHessianInLeaf: p.min_sum_hessian_in_leaf,
    minGainToSplit: p.min_gain_to_split,
    countSource: p.objective !== 'binary' ? 1 : p.min_data_in_leaf <= 1 && p.min_sum_hessian_in_leaf > 0 ? 2 : 0,
  });
  const bagRng = new Rng(p.seed + 1);
  const featureRng = new Rng(p.seed + 2);

  const y = train.labels;
  const init = p.boost_from_average ? obj.initScore(y) : 0;
  const score = new Float64Array(n).fill(init);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const validScore = valid === undefined ? undefined : new Float64Array(valid.rows).fill(init);
  const history: number[] = [];
  const trees: Tree[] = [];
  const isBagging = p.bagging_freq > 0 && p.bagging_fraction < 1;
  const bagSize = Math.max(1, Math.round(n * p.bagging_fraction));
  const inBag = isBagging ? new Uint8Array(n) : undefined;
  let bag: Int32Array | null = null;
  let best = Infinity;
  let bestIter = -1;

  for (let iter = 0; iter < p.num_iterations; iter++) {
    obj.gradients(y, score, grad, hess);
    if (isBagging && iter % p.bagging_freq === 0) {
      bag = bagRng.sample(n, bagSize);
      inBag!.fill(0);
      for (let i = 0; i < bag.length; i++) inBag![bag[i] as number] = 1;
    }
    const features =
      p.feature_fraction < 1
        ? Int32Array.from(featureRng.sample(usable.length, Math.max(1, Math.round(usable.length * p.feature_fraction))), (i) => usable[i] as number) // prettier-ignore
        : usable;
    const tree = learner.grow(grad, hess, bag, features, p.learning_rate);
    if (obj.renewQuantile !== undefined) renewLeaves(tree, learner, y, score, obj.renewQuantile, p.learning_rate);
    addToTrainScores(tree, learner, binned, bins.numBins, cols, score, inBag);
    trees.push(tree);

    if (valid !== undefined && validScore !== undefined) {
      for (let i = 0; i < valid.rows; i++) validScore[i] = (validScore[i] as number) + tree.predictRow(valid.features, i * cols); // prettier-ignore
      const metric = obj.loss(valid.labels, validScore);
      history.push(metric);
      if (metric < best) {
        best = metric;
        bestIter = iter;
      } else if (p.early_stopping_rounds > 0 && iter - bestIter >= p.early_stopping_rounds) break;
    }
  }
  const keep = valid !== undefined && p.early_stopping_rounds > 0 ? bestIter + 1 : trees.length;
  return new GbdtModel({
    objective: p.objective,
    alpha: p.alpha,
    numFeatures: cols,
    featureNames: options.featureNames ?? Array.from({ length: cols }, (_, f) => `f${f}`),
    initScore: init,
    trees: trees.slice(0, keep),
    params: p,
    validMetric: history,
  });
}

/** Quantile leaves take the alpha-quantile of their rows' residuals (LightGBM's RenewTreeOutput). */
function renewLeaves(
  tree: Tree,
  l: TreeLearner,
  y: Float64Array,
  score: Float64Array,
  alpha: number,
  lr: number,
): void {
  for (let leaf = 0; leaf < tree.numLeaves; leaf++) {
    const begin = l.leafBegin[leaf] as number;
    const residuals = new Float64Array(l.leafCount[leaf] as number);
    for (let i = 0; i < residuals.length; i++) {
      const r = l.rows[begin + i] as number;
      residuals[i] = (y[r] as number) - (score[r] as number);
    }
    tree.leafValue[leaf] = quantileOf(residuals, alpha) * lr;
  }
}

/** Rows in the bag take their leaf's value from the partition; the others walk the tree on bins. */
function addToTrainScores(
  tree: Tree,
  l: TreeLearner,
  binned: Uint8Array,
  numBins: Uint16Array,
  cols: number,
  score: Float64Array,
  inBag: Uint8Array | undefined,
): void {
  for (let leaf = 0; leaf < tree.numLeaves; leaf++) {
    const v = tree.leafValue[leaf] as number;
    const begin = l.leafBegin[leaf] as number;
    const end = begin + (l.leafCount[leaf] as number);
    for (let i = begin; i < end; i++) {
      const r = l.rows[i] as number;
      score[r] = (score[r] as number) + v;
    }
  }
  if (inBag === undefined) return;
  for (let r = 0; r < score.length; r++) {
    if (inBag[r] === 1) continue;
    let node = tree.numLeaves === 1 ? -1 : 0;
    while (node >= 0) {
      const f = tree.splitFeature[node] as number;
      const bin = binned[r * cols + f] as number;
      const left = bin <= (l.nodeBin[node] as number) || (bin === numBins[f] && tree.defaultLeft[node] === 1);
      node = (left ? tree.leftChild[node] : tree.rightChild[node]) as number;
    }
    score[r] = (score[r] as number) + (tree.leafValue[~node] as number);
  }
}
