/**
 * Reads an XGBoost model saved as JSON (`booster.save_model('model.json')`, XGBoost 1.0 and
 * later): learner.gradient_booster.model.trees[] with split_indices, split_conditions,
 * left_children, right_children, default_left; learner_model_param.base_score; objective.name.
 *
 * XGBoost predicts in float32: it casts each feature to float, sends it left when
 * `fvalue < split_condition` (a missing value follows default_left), and adds leaf values to a
 * float accumulator that starts at the base margin. Thresholds and leaf values are stored as
 * float32 here; the predictor rounds inputs and sums to float32 the same way.
 * @see xgboost doc/model.schema, src/predictor/cpu_predictor.cc, include/xgboost/tree_model.h
 */
import { ForestBuilder, NodeFlag } from '../trees/forest.js';
import { type ImportedModel, invalidModel, unsupportedModel } from './model.js';
import { XGBOOST_OBJECTIVES } from './objective.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const SAVE_AS = "save it from Python with booster.save_model('model.json') (XGBoost 1.0 or later)";

/** Whether parsed JSON looks like an XGBoost model (the detector's test). */
export function isXgboostJson(doc: unknown): boolean {
  return isObject(doc) && isObject(doc.learner);
}

export function readXgboostJson(doc: unknown, file: string): ImportedModel {
  const at = (path: string, v: unknown): Json => {
    if (!isObject(v)) throw invalidModel(file, `${path} is missing or not an object`, SAVE_AS, path);
    return v;
  };
  const learner = at('learner', isObject(doc) ? doc.learner : undefined);
  const booster = at('learner.gradient_booster', learner.gradient_booster);
  if (booster.name !== 'gbtree') {
    throw unsupportedModel(
      file,
      `learner.gradient_booster.name is "${String(booster.name)}"; only "gbtree" models are scored`,
      booster.name === 'dart'
        ? 'dart scales trees by their drop weights at prediction; retrain with booster="gbtree"'
        : 'linear boosters (gblinear) have no trees; retrain with booster="gbtree"',
      'learner.gradient_booster.name',
    );
  }
  const params = at('learner.learner_model_param', learner.learner_model_param);
  const numClass = Number(params.num_class ?? 0);
  const numTarget = Number(params.num_target ?? 1);
  if (numClass > 1 || numTarget > 1) {
    throw unsupportedModel(
      file,
      `the model has ${numClass > 1 ? `${numClass} classes` : `${numTarget} targets`}; only one output is scored`,
      'use a binary or regression model (binary:logistic, reg:squarederror, ...)',
      'learner.learner_model_param',
    );
  }
  const objectiveName = at('learner.objective', learner.objective).name;
  const objective = XGBOOST_OBJECTIVES[String(objectiveName)];
  if (objective === undefined) {
    throw unsupportedModel(
      file,
      `objective "${String(objectiveName)}" is not supported`,
      `supported: ${Object.keys(XGBOOST_OBJECTIVES).join(', ')}`,
      'learner.objective.name',
    );
  }
  const baseScore = parseBaseScore(params.base_score);
  if (baseScore === undefined || (objective.probabilityBase && !(baseScore > 0 && baseScore < 1))) {
    throw invalidModel(
      file,
      `learner_model_param.base_score "${String(params.base_score)}" is not ${objective.probabilityBase ? 'a probability in (0, 1)' : 'a number'}`,
      SAVE_AS,
      'learner.learner_model_param.base_score',
    );
  }
  const numFeature = Number(params.num_feature);
  if (!Number.isInteger(numFeature) || numFeature < 1) {
    throw invalidModel(file, 'learner_model_param.num_feature is not a positive integer', SAVE_AS);
  }
  const names = Array.isArray(learner.feature_names) ? learner.feature_names.map(String) : [];
  if (names.length !== 0 && names.length !== numFeature) {
    throw invalidModel(file, `learner.feature_names has ${names.length} names for ${numFeature} features`, SAVE_AS);
  }
  const trees = at('learner.gradient_booster.model', booster.model).trees;
  if (!Array.isArray(trees)) throw invalidModel(file, 'learner.gradient_booster.model.trees is not a list', SAVE_AS);
  const builder = new ForestBuilder();
  trees.forEach((tree, k) =>
    builder.add(readTree(tree, `learner.gradient_booster.model.trees[${k}]`, file, numFeature)),
  );
  return {
    format: 'xgboost-json',
    precision: 'float32',
    objective,
    featureNames: names.length > 0 ? names : undefined,
    numFeatures: numFeature,
    forest: builder.build(numFeature),
    baseMargin: objective.baseMargin(baseScore),
  };
}

/** "5E-1" (1.x), or "[5E-1]" (later versions, one entry per target). */
function parseBaseScore(v: unknown): number | undefined {
  const s = String(v ?? '').trim();
  const inner = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1).trim() : s;
  const x = inner === '' ? NaN : Number(inner);
  return Number.isFinite(x) ? Math.fround(x) : undefined;
}

function readTree(tree: unknown, path: string, file: string, numFeature: number): Parameters<ForestBuilder['add']>[0] {
  if (!isObject(tree)) throw invalidModel(file, `${path} is not an object`, SAVE_AS, path);
  const n = Number(isObject(tree.tree_param) ? tree.tree_param.num_nodes : NaN);
  if (!Number.isInteger(n) || n < 1) throw invalidModel(file, `${path}.tree_param.num_nodes is missing`, SAVE_AS, path);
  const list = (key: string): number[] => {
    const v = tree[key];
    if (!Array.isArray(v) || v.length !== n) {
      throw invalidModel(
        file,
        `${path}.${key} ${Array.isArray(v) ? `has ${v.length} entries for ${n} nodes` : 'is missing'}`,
        `the file looks cut short or edited; ${SAVE_AS}`,
        `${path}.${key}`,
      );
    }
    return v.map((x) => (typeof x === 'boolean' ? Number(x) : Number(x)));
  };
  const left = list('left_children');
  const right = list('right_children');
  const splitIndex = list('split_indices');
  const cond = list('split_conditions');
  const defaultLeft = list('default_left');
  const splitType = Array.isArray(tree.split_type) ? tree.split_type.map(Number) : [];
  if (splitType.some((t) => t !== 0)) {
    throw unsupportedModel(
      file,
      `${path} has categorical splits, which are not scored`,
      'retrain with numeric (one-hot or ordinal) features instead of enable_categorical',
      `${path}.split_type`,
    );
  }
  // Number the reachable nodes: split nodes and leaves apart, as the forest keeps them.
  const splitId = new Int32Array(n).fill(-1);
  const leafId = new Int32Array(n).fill(-1);
  const order: number[] = [];
  const leaves: number[] = [];
  const stack = [0];
  const seen = new Uint8Array(n);
  while (stack.length > 0) {
    const id = stack.pop() as number;
    if (!Number.isInteger(id) || id < 0 || id >= n || seen[id] === 1) {
      throw invalidModel(file, `${path} links to node ${id}, which is out of range or reached twice`, SAVE_AS, path);
    }
    seen[id] = 1;
    const l = left[id] as number;
    if (l === -1) {
      leafId[id] = leaves.length;
      leaves.push(id);
      continue;
    }
    splitId[id] = order.length;
    order.push(id);
    stack.push(right[id] as number, l);
  }
  const feature = new Int32Array(order.length);
  const threshold = new Float64Array(order.length);
  const flags = new Uint8Array(order.length);
  const lc = new Int32Array(order.length);
  const rc = new Int32Array(order.length);
  const ref = (id: number): number => (left[id] === -1 ? ~(leafId[id] as number) : (splitId[id] as number));
  order.forEach((id, i) => {
    const f = splitIndex[id] as number;
    const t = cond[id] as number;
    if (!Number.isInteger(f) || f < 0 || f >= numFeature) {
      throw invalidModel(
        file,
        `${path}.split_indices[${id}] = ${f} is not a feature index below ${numFeature}`,
        SAVE_AS,
      );
    }
    if (Number.isNaN(t)) throw invalidModel(file, `${path}.split_conditions[${id}] is not a number`, SAVE_AS);
    feature[i] = f;
    threshold[i] = Math.fround(t);
    flags[i] = defaultLeft[id] === 1 ? NodeFlag.NanLeft : 0;
    lc[i] = ref(left[id] as number);
    rc[i] = ref(right[id] as number);
  });
  const leafValue = Float64Array.from(leaves, (id) => {
    const v = cond[id] as number;
    if (!Number.isFinite(v))
      throw invalidModel(file, `${path}.split_conditions[${id}] (a leaf) is not a number`, SAVE_AS);
    return Math.fround(v);
  });
  return { feature, threshold, left: lc, right: rc, flags, leafValue, root: order.length > 0 ? 0 : ~0 };
}
