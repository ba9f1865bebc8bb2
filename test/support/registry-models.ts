import type { NewModelVersion } from '../../src/store/model-types.js';

/**
 * A momentic GBDT artifact of one split on `ret_1d` at 0: a margin of -leaf below it and +leaf
 * above, so a model's sign (whether it follows or fades the last bar's move) shows in a run.
 */
export function oneSplit(leaf: number): string {
  return JSON.stringify({
    format: 'momentic-gbdt',
    version: 1,
    objective: 'binary',
    alpha: 0.9,
    num_features: 1,
    feature_names: ['ret_1d'],
    init_score: 0,
    num_trees: 1,
    params: { objective: 'binary' },
    valid_metric: [],
    feature_importance: { split: [1], gain: [1] },
    trees: [
      {
        num_leaves: 2,
        split_feature: [0],
        threshold: [0],
        default_left: [1],
        left_child: [-1],
        right_child: [-2],
        split_gain: [1],
        leaf_value: [-leaf, leaf],
        leaf_count: [1, 1],
      },
    ],
  });
}

/** A registry version of `artifact` under `name`, registered at `createdAt`. */
export const modelVersion = (name: string, artifact: string, createdAt: number): NewModelVersion => ({
  name,
  kind: 'gbdt',
  artifact,
  features: ['ret_1d'],
  featureHash: 'h',
  label: {},
  dataRange: {},
  cv: {},
  folds: [],
  pathSharpes: [],
  evaluation: {},
  trials: 1,
  codeVersion: 'test',
  createdAt,
});
