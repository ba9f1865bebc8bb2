/**
 * The model artifact: versioned JSON, numbers written as JavaScript writes them (the shortest
 * text that reads back as the same double), so a model read back predicts bit for bit the same.
 * Reading checks every field and names the first bad one. docs/ml/gbdt.md describes the format.
 */
import { DataError } from '../../core/errors.js';
import type { GbdtModelFields } from './model.js';
import { OBJECTIVES, resolveParams, type GbdtParams, type Objective } from './params.js';
import { Tree } from './tree.js';

export const ARTIFACT_FORMAT = 'momentic-gbdt';
export const ARTIFACT_VERSION = 1;

export interface GbdtTreeJson {
  readonly num_leaves: number;
  readonly split_feature: number[];
  readonly threshold: number[];
  readonly default_left: number[];
  readonly left_child: number[];
  readonly right_child: number[];
  readonly split_gain: number[];
  readonly leaf_value: number[];
  readonly leaf_count: number[];
}

export interface GbdtArtifact {
  readonly format: typeof ARTIFACT_FORMAT;
  readonly version: typeof ARTIFACT_VERSION;
  readonly objective: Objective;
  readonly alpha: number;
  readonly num_features: number;
  readonly feature_names: string[];
  readonly init_score: number;
  readonly num_trees: number;
  readonly params: GbdtParams;
  readonly valid_metric: number[];
  /** Informational (recomputed from the trees on read). */
  readonly feature_importance: { readonly split: number[]; readonly gain: number[] };
  readonly trees: GbdtTreeJson[];
}

export function artifactOf(m: GbdtModelFields, split: Float64Array, gain: Float64Array): GbdtArtifact {
  return {
    format: ARTIFACT_FORMAT,
    version: ARTIFACT_VERSION,
    objective: m.objective,
    alpha: m.alpha,
    num_features: m.numFeatures,
    feature_names: [...m.featureNames],
    init_score: m.initScore,
    num_trees: m.trees.length,
    params: m.params,
    valid_metric: [...m.validMetric],
    feature_importance: { split: Array.from(split), gain: Array.from(gain) },
    trees: m.trees.map((t) => ({
      num_leaves: t.numLeaves,
      split_feature: Array.from(t.splitFeature),
      threshold: Array.from(t.threshold),
      default_left: Array.from(t.defaultLeft),
      left_child: Array.from(t.leftChild),
      right_child: Array.from(t.rightChild),
      split_gain: Array.from(t.splitGain),
      leaf_value: Array.from(t.leafValue),
      leaf_count: Array.from(t.leafCount),
    })),
  };
}

function bad(key: string, message: string): DataError {
  return new DataError('DATA_INVALID', `gbdt artifact ${key}: ${message}`, {
    hint: 'use a file written by a momentic GbdtModel (toJSON) of this format version, unedited',
    context: { key },
  });
}

function obj(v: unknown, key: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(key, 'is not an object');
  return v as Record<string, unknown>;
}

function num(v: unknown, key: string, isInt = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (isInt && !Number.isInteger(v))) {
    throw bad(key, `${JSON.stringify(v)} is not a finite ${isInt ? 'integer' : 'number'}`);
  }
  return v;
}

function nums(v: unknown, key: string, length: number, isInt = false): number[] {
  if (!Array.isArray(v)) throw bad(key, 'is not an array');
  if (v.length !== length) throw bad(key, `has ${v.length} entries, expected ${length}`);
  v.forEach((x, i) => num(x, `${key}[${i}]`, isInt));
  return v as number[];
}

function treeOf(v: unknown, key: string, numFeatures: number): Tree {
  const o = obj(v, key);
  const leaves = num(o.num_leaves, `${key}.num_leaves`, true);
  if (leaves < 1) throw bad(`${key}.num_leaves`, 'must be >= 1');
  const nodes = leaves - 1;
  const t = new Tree(leaves);
  t.splitFeature.set(nums(o.split_feature, `${key}.split_feature`, nodes, true));
  t.threshold.set(nums(o.threshold, `${key}.threshold`, nodes));
  t.defaultLeft.set(nums(o.default_left, `${key}.default_left`, nodes, true));
  t.leftChild.set(nums(o.left_child, `${key}.left_child`, nodes, true));
  t.rightChild.set(nums(o.right_child, `${key}.right_child`, nodes, true));
  t.splitGain.set(nums(o.split_gain, `${key}.split_gain`, nodes));
  t.leafValue.set(nums(o.leaf_value, `${key}.leaf_value`, leaves));
  t.leafCount.set(nums(o.leaf_count, `${key}.leaf_count`, leaves, true));
  for (let k = 0; k < nodes; k++) {
    const f = t.splitFeature[k] as number;
    if (f < 0 || f >= numFeatures) throw bad(`${key}.split_feature[${k}]`, `${f} is not a feature index`);
    for (const [name, c] of [
      ['left_child', t.leftChild[k]],
      ['right_child', t.rightChild[k]],
    ] as const) {
      // Children point forward (a node's children come after it) or name a leaf: no cycles.
      const ok = (c as number) >= 0 ? (c as number) > k && (c as number) < nodes : ~(c as number) < leaves;
      if (!ok) throw bad(`${key}.${name}[${k}]`, `${c} is neither a later node nor a leaf`);
    }
  }
  return t;
}

export function modelFieldsOf(json: unknown): GbdtModelFields {
  const o = obj(json, '(root)');
  if (o.format !== ARTIFACT_FORMAT) throw bad('format', `${JSON.stringify(o.format)} is not "${ARTIFACT_FORMAT}"`);
  if (o.version !== ARTIFACT_VERSION) {
    throw bad('version', `${JSON.stringify(o.version)} is not a version this build reads (${ARTIFACT_VERSION})`);
  }
  if (!OBJECTIVES.includes(o.objective as Objective)) throw bad('objective', `${JSON.stringify(o.objective)} is not known`); // prettier-ignore
  const numFeatures = num(o.num_features, 'num_features', true);
  const names = o.feature_names;
  if (!Array.isArray(names) || names.length !== numFeatures || !names.every((s) => typeof s === 'string')) {
    throw bad('feature_names', `must be ${numFeatures} strings`);
  }
  if (!Array.isArray(o.trees)) throw bad('trees', 'is not an array');
  const metric = o.valid_metric ?? [];
  return {
    objective: o.objective as Objective,
    alpha: num(o.alpha, 'alpha'),
    numFeatures,
    featureNames: names as string[],
    initScore: num(o.init_score, 'init_score'),
    trees: o.trees.map((t, i) => treeOf(t, `trees[${i}]`, numFeatures)),
    params: resolveParams(obj(o.params, 'params') as Partial<GbdtParams>),
    validMetric: Array.isArray(metric) ? nums(metric, 'valid_metric', metric.length) : [],
  };
}
