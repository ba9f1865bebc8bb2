/**
 * A trained model: raw scores and predictions over a row-major matrix, feature importances,
 * and the versioned JSON artifact (docs/ml/gbdt.md) that round-trips bit for bit.
 */
import { DataError } from '../../core/errors.js';
import { artifactOf, modelFieldsOf, type GbdtArtifact } from './artifact.js';
import { sigmoid } from './objectives.js';
import type { GbdtParams, Objective } from './params.js';
import type { Tree } from './tree.js';

export interface GbdtModelFields {
  readonly objective: Objective;
  readonly alpha: number;
  readonly numFeatures: number;
  readonly featureNames: readonly string[];
  /** The raw score before the first tree. */
  readonly initScore: number;
  readonly trees: readonly Tree[];
  readonly params: GbdtParams;
  /** The validation metric after each tree, when a validation set was given. */
  readonly validMetric: readonly number[];
}

/** Rows scored together per tree, so the tree stays in cache while the rows stream past. */
const BLOCK_ROWS = 256;

/** Every tree's nodes in one set of arrays; children are global node ids, leaves ~(global leaf id). */
interface Flat {
  readonly root: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly defaultLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly leafValue: Float64Array;
}

function flatten(trees: readonly Tree[]): Flat {
  let nodes = 0;
  let leaves = 0;
  for (const t of trees) {
    nodes += t.numLeaves - 1;
    leaves += t.numLeaves;
  }
  const flat: Flat = {
    root: new Int32Array(trees.length),
    feature: new Int32Array(nodes),
    threshold: new Float64Array(nodes),
    defaultLeft: new Uint8Array(nodes),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
    leafValue: new Float64Array(leaves),
  };
  let n0 = 0;
  let l0 = 0;
  trees.forEach((t, i) => {
    const child = (c: number): number => (c >= 0 ? c + n0 : ~(~c + l0));
    flat.root[i] = t.numLeaves === 1 ? ~l0 : n0;
    flat.feature.set(t.splitFeature, n0);
    flat.threshold.set(t.threshold, n0);
    flat.defaultLeft.set(t.defaultLeft, n0);
    for (let k = 0; k < t.numLeaves - 1; k++) {
      flat.left[n0 + k] = child(t.leftChild[k] as number);
      flat.right[n0 + k] = child(t.rightChild[k] as number);
    }
    flat.leafValue.set(t.leafValue, l0);
    n0 += t.numLeaves - 1;
    l0 += t.numLeaves;
  });
  return flat;
}

export class GbdtModel implements GbdtModelFields {
  readonly objective: Objective;
  readonly alpha: number;
  readonly numFeatures: number;
  readonly featureNames: readonly string[];
  readonly initScore: number;
  readonly trees: readonly Tree[];
  readonly params: GbdtParams;
  readonly validMetric: readonly number[];
  readonly #flat: Flat;

  constructor(fields: GbdtModelFields) {
    this.objective = fields.objective;
    this.alpha = fields.alpha;
    this.numFeatures = fields.numFeatures;
    this.featureNames = fields.featureNames;
    this.initScore = fields.initScore;
    this.trees = fields.trees;
    this.params = fields.params;
    this.validMetric = fields.validMetric;
    this.#flat = flatten(fields.trees);
  }

  /** Trees kept (the best iteration when early stopping ran). */
  get numTrees(): number {
    return this.trees.length;
  }

  /** Raw scores (log-odds for binary) of a row-major matrix of `numFeatures` columns. */
  predictRaw(x: Float64Array): Float64Array {
    const cols = this.numFeatures;
    if (x.length % cols !== 0) {
      throw new DataError('DATA_INVALID', `gbdt predict: ${x.length} values are not rows of ${cols} features`, {
        hint: `pass a row-major matrix with ${cols} columns (${this.featureNames.join(', ')})`,
        context: { key: 'features' },
      });
    }
    const rows = x.length / cols;
    const out = new Float64Array(rows).fill(this.initScore);
    const { root, feature, threshold, defaultLeft, left, right, leafValue } = this.#flat;
    const numTrees = root.length;
    for (let r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
      const r1 = Math.min(rows, r0 + BLOCK_ROWS);
      for (let t = 0; t < numTrees; t++) {
        const start = root[t] as number;
        for (let r = r0; r < r1; r++) {
          const base = r * cols;
          let node = start;
          while (node >= 0) {
            const v = x[base + (feature[node] as number)] as number;
            if (v <= (threshold[node] as number)) node = left[node] as number;
            else if (v !== v && defaultLeft[node] === 1) node = left[node] as number;
            else node = right[node] as number;
          }
          out[r] = (out[r] as number) + (leafValue[~node] as number);
        }
      }
    }
    return out;
  }

  /** Predictions: probabilities of class 1 for binary, values for regression and quantile. */
  predict(x: Float64Array): Float64Array {
    const raw = this.predictRaw(x);
    if (this.objective === 'binary') for (let i = 0; i < raw.length; i++) raw[i] = sigmoid(raw[i] as number);
    return raw;
  }

  /** Per feature, how many splits use it (`split`) or the gain those splits scored (`gain`). */
  featureImportance(kind: 'split' | 'gain' = 'split'): Float64Array {
    const out = new Float64Array(this.numFeatures);
    for (const t of this.trees) {
      for (let k = 0; k < t.numLeaves - 1; k++) {
        const f = t.splitFeature[k] as number;
        out[f] = (out[f] as number) + (kind === 'split' ? 1 : (t.splitGain[k] as number));
      }
    }
    return out;
  }

  toJSON(): GbdtArtifact {
    return artifactOf(this, this.featureImportance('split'), this.featureImportance('gain'));
  }

  /** A model from its artifact (parsed JSON); every field is checked and a bad one named. */
  static fromJSON(json: unknown): GbdtModel {
    return new GbdtModel(modelFieldsOf(json));
  }
}
