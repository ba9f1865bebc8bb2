/**
 * Reads a LightGBM model saved as text (`booster.save_model('model.txt')`): a header of
 * key=value lines, then `Tree=N` blocks (num_leaves, split_feature, threshold, decision_type,
 * left_child, right_child, leaf_value, ...), then `end of trees`.
 *
 * LightGBM predicts in double. A split sends x left when `x <= threshold`, after its missing
 * rule (decision_type bits 2-3): None reads NaN as 0; Zero sends NaN and zeros (|x| <=
 * kZeroThreshold) the default way (bit 1); NaN sends NaN the default way. Leaf values already
 * include the learning rate, and the first tree holds the initial score, so the margin is the
 * plain sum of leaves from 0 in tree order.
 * @see LightGBM include/LightGBM/tree.h (NumericalDecision), src/io/tree.cpp (Tree::ToString and
 *   the reading constructor), src/boosting/gbdt_model_text.cpp (LoadModelFromString)
 */
import { ForestBuilder, NodeFlag, nextUp } from '../trees/forest.js';
import { type ImportedModel, invalidModel, unsupportedModel } from './model.js';
import { LIGHTGBM_SUPPORTED, lightgbmObjective } from './objective.js';

/** `const double kZeroThreshold = 1e-35f;`: a float literal, so not quite 1e-35. */
export const K_ZERO_THRESHOLD = Math.fround(1e-35);

const SAVE_AS = "save it from Python with booster.save_model('model.txt')";
const CUT = `the file looks cut short or edited; ${SAVE_AS}`;

/** Whether text looks like a LightGBM model file (its first line names the submodel, `tree`). */
export function isLightgbmText(text: string): boolean {
  return /^tree\r?\n/.test(text.replace(/^\uFEFF/, ''));
}

/** LightGBM's default names for unnamed columns: not names a CSV would carry. */
const AUTO_NAME = /^Column_\d+$/;

export function readLightgbmText(text: string, file: string): ImportedModel {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = new Map<string, string>();
  let i = 1;
  for (; i < lines.length && !(lines[i] as string).startsWith('Tree='); i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    if (line === 'end of trees') break;
    const eq = line.indexOf('=');
    header.set(eq < 0 ? line : line.slice(0, eq), eq < 0 ? '' : line.slice(eq + 1));
  }
  const need = (key: string): string => {
    const v = header.get(key);
    if (v === undefined) throw invalidModel(file, `the header has no ${key}= line`, CUT, key);
    return v;
  };
  const numClass = Number(need('num_class'));
  const perIteration = Number(header.get('num_tree_per_iteration') ?? numClass);
  if (numClass !== 1 || perIteration !== 1) {
    throw unsupportedModel(
      file,
      `the model has num_class=${numClass}, num_tree_per_iteration=${perIteration}; only one output is scored`,
      'use a binary or regression model',
      'num_class',
    );
  }
  if (header.has('average_output')) {
    throw unsupportedModel(file, 'random-forest models (average_output) are not scored', 'retrain with boosting=gbdt');
  }
  const objectiveLine = header.get('objective');
  if (objectiveLine === undefined) {
    throw unsupportedModel(
      file,
      'the header has no objective= line (a custom objective), so its output transform is unknown',
      `retrain with a built-in objective: ${LIGHTGBM_SUPPORTED}`,
      'objective',
    );
  }
  const objective = lightgbmObjective(objectiveLine);
  if (typeof objective === 'string') {
    throw unsupportedModel(file, objective, `supported: ${LIGHTGBM_SUPPORTED}`, 'objective');
  }
  const maxFeature = Number(need('max_feature_idx'));
  const names = need('feature_names').split(' ');
  if (!Number.isInteger(maxFeature) || maxFeature < 0 || names.length !== maxFeature + 1) {
    throw invalidModel(file, `feature_names has ${names.length} names but max_feature_idx is ${maxFeature}`, CUT);
  }
  const numFeatures = maxFeature + 1;
  const builder = new ForestBuilder();
  let trees = 0;
  let ended = false;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line === 'end of trees') {
      ended = true;
      break;
    }
    if (line === '') {
      i++;
      continue;
    }
    if (line !== `Tree=${trees}`)
      throw invalidModel(file, `line ${i + 1}: expected Tree=${trees}, found "${line.slice(0, 40)}"`, CUT);
    const block = new Map<string, string>();
    for (i++; i < lines.length && lines[i] !== ''; i++) {
      const kv = lines[i] as string;
      const eq = kv.indexOf('=');
      if (eq < 0) throw invalidModel(file, `line ${i + 1} in Tree=${trees} is not key=value`, CUT);
      block.set(kv.slice(0, eq), kv.slice(eq + 1));
    }
    builder.add(readTree(block, trees, file, numFeatures));
    trees++;
  }
  if (!ended) throw invalidModel(file, `no "end of trees" line after ${trees} trees: the file is truncated`, CUT);
  const sizes = header.get('tree_sizes');
  if (sizes !== undefined && sizes.trim().split(/\s+/).length !== trees) {
    throw invalidModel(file, `tree_sizes lists ${sizes.trim().split(/\s+/).length} trees but ${trees} were found`, CUT);
  }
  return {
    format: 'lightgbm-text',
    precision: 'float64',
    objective,
    featureNames: names.every((n) => AUTO_NAME.test(n)) ? undefined : names,
    numFeatures,
    forest: builder.build(numFeatures),
    baseMargin: 0,
  };
}

function readTree(
  block: Map<string, string>,
  k: number,
  file: string,
  numFeatures: number,
): Parameters<ForestBuilder['add']>[0] {
  const where = `Tree=${k}`;
  const field = (key: string, count: number): number[] => {
    const raw = block.get(key);
    if (raw === undefined) throw invalidModel(file, `${where} has no ${key}= line`, CUT, `${where}.${key}`);
    const values = raw === '' ? [] : raw.trim().split(/\s+/).map(Number);
    if (values.length !== count || values.some((v) => Number.isNaN(v))) {
      throw invalidModel(
        file,
        `${where}.${key} should hold ${count} numbers, found ${values.length}`,
        CUT,
        `${where}.${key}`,
      );
    }
    return values;
  };
  const leaves = Number(block.get('num_leaves'));
  if (!Number.isInteger(leaves) || leaves < 1) throw invalidModel(file, `${where} has no valid num_leaves`, CUT, where);
  if (Number(block.get('num_cat') ?? 0) > 0) {
    throw unsupportedModel(
      file,
      `${where} has categorical splits (num_cat > 0), which are not scored`,
      'retrain without categorical_feature (one-hot or ordinal codes as numbers)',
      `${where}.num_cat`,
    );
  }
  if (Number(block.get('is_linear') ?? 0) !== 0) {
    throw unsupportedModel(
      file,
      `${where} is a linear tree (linear_tree=true)`,
      'retrain with linear_tree=false',
      where,
    );
  }
  const leafValue = field('leaf_value', leaves);
  if (leafValue.some((v) => !Number.isFinite(v))) throw invalidModel(file, `${where}.leaf_value is not finite`, CUT);
  if (leaves === 1) return { feature: [], threshold: [], left: [], right: [], flags: [], leafValue, root: ~0 };
  const s = leaves - 1;
  const feature = field('split_feature', s);
  const threshold = field('threshold', s);
  const decision = field('decision_type', s);
  const left = field('left_child', s);
  const right = field('right_child', s);
  // Every split node but the root, and every leaf, must be some node's child exactly once.
  const seenSplit = new Uint8Array(s);
  const seenLeaf = new Uint8Array(leaves);
  for (const c of [...left, ...right]) {
    const seen = c >= 0 ? (c > 0 && c < s ? seenSplit : undefined) : ~c < leaves ? seenLeaf : undefined;
    const k = c >= 0 ? c : ~c;
    if (!Number.isInteger(c) || seen === undefined || seen[k] !== 0) {
      throw invalidModel(file, `${where} has a bad child index ${c} (out of range, or used twice)`, CUT, where);
    }
    seen[k] = 1;
  }
  const flags = new Uint8Array(s);
  const cut = new Float64Array(s);
  for (let n = 0; n < s; n++) {
    const f = feature[n] as number;
    const t = threshold[n] as number;
    const d = decision[n] as number;
    if (!Number.isInteger(f) || f < 0 || f >= numFeatures) {
      throw invalidModel(file, `${where}.split_feature has ${f}, not a feature below ${numFeatures}`, CUT);
    }
    if (!Number.isFinite(t)) throw invalidModel(file, `${where}.threshold has ${t}`, CUT);
    if ((d & 1) !== 0) {
      throw unsupportedModel(file, `${where} has a categorical split`, 'retrain without categorical_feature', where);
    }
    const missing = (d >> 2) & 3;
    if (missing === 3 || d < 0 || d > 15) throw invalidModel(file, `${where}.decision_type has ${d}`, CUT);
    cut[n] = nextUp(t);
    flags[n] = missingFlags(missing, (d & 2) !== 0, t);
  }
  return { feature, threshold: cut, left, right, flags, leafValue, root: 0 };
}

/** LightGBM's missing types (0 None, 1 Zero, 2 NaN) as node flags, for inputs whose tiny values are already 0. */
function missingFlags(missing: number, defaultLeft: boolean, threshold: number): number {
  const zeroLeft = 0 <= threshold;
  if (missing === 0) return zeroLeft ? NodeFlag.NanLeft : 0; // NaN reads as 0
  const nan = defaultLeft ? NodeFlag.NanLeft : 0;
  if (missing === 2 || defaultLeft === zeroLeft) return nan; // zero compares as a number
  return nan | NodeFlag.ZeroSpecial | (defaultLeft ? NodeFlag.ZeroLeft : 0);
}
