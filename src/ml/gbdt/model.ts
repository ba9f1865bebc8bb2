/**
 * A trained model: raw scores and predictions over a row-major matrix, feature importances,
 * and the versioned JSON artifact (docs/ml/gbdt.md) that round-trips bit for bit.
 */
import { DataError } from '../../core/errors.js';
import { artifactOf, modelFieldsOf, type GbdtArtifact } from './artifact.js';
import { sigmoid } from './objectives.js';
import type { GbdtParams, Objective } from './params.js';
import type { Tree } from './tree.js';
import { ForestBuilder, NodeFlag, nextUp, type Forest } from '../trees/forest.js';
import { addForest } from '../trees/score.js';

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

/**
 * The trees as a scoring `Forest` (trees/forest.ts), whose rule is `x < threshold`: this model's
 * `x <= t` is `x < nextUp(t)` on every double, so the rows land in the same leaves and each
 * row's sum adds the same leaves in the same order. Undefined when a threshold is +Infinity or
 * NaN (no artifact this trainer writes has one), where that rewrite would not hold.
 */
function forestOf(trees: readonly Tree[], numFeatures: number): Forest | undefined {
  const b = new ForestBuilder();
  for (const t of trees) {
    const nodes = t.numLeaves - 1;
    const threshold = new Float64Array(nodes);
    for (let k = 0; k < nodes; k++) {
      const v = t.threshold[k] as number;
      if (v !== v || v === Infinity) return undefined;
      threshold[k] = nextUp(v);
    }
    b.add({
      feature: t.splitFeature,
      threshold,
      left: t.leftChild,
      right: t.rightChild,
      flags: Uint8Array.from(t.defaultLeft, (d) => (d === 1 ? NodeFlag.NanLeft : 0)),
      leafValue: t.leafValue,
      root: nodes > 0 ? 0 : ~0,
    });
  }
  return b.build(numFeatures);
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
  readonly #forest: Forest | undefined;

  constructor(fields: GbdtModelFields) {
    this.objective = fields.objective;
    this.alpha = fields.alpha;
    this.numFeatures = fields.numFeatures;
    this.featureNames = fields.featureNames;
    this.initScore = fields.initScore;
    this.trees = fields.trees;
    this.params = fields.params;
    this.validMetric = fields.validMetric;
    this.#forest = forestOf(fields.trees, fields.numFeatures);
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
    if (this.#forest !== undefined) addForest(this.#forest, x, cols, rows, out);
    else for (const t of this.trees) for (let r = 0; r < rows; r++) out[r] = (out[r] as number) + t.predictRow(x, r * cols); // prettier-ignore
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
