/**
 * momentic's own GBDT artifact (docs/ml/gbdt.md) as a scorable model, so `ml predict` scores a
 * model `ml train` registered the same way it scores XGBoost and LightGBM files. The learner's
 * rule (x <= threshold goes left, NaN where default_left says) becomes the forest's
 * (x < nextUp(threshold)), the same set of doubles; the margin starts at the init score.
 */
import { ARTIFACT_FORMAT } from '../gbdt/artifact.js';
import { GbdtModel } from '../gbdt/model.js';
import { ForestBuilder, NodeFlag, nextUp } from '../trees/forest.js';
import { invalidModel, type ImportedModel } from './model.js';

export function isMomenticGbdt(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { format?: unknown }).format === ARTIFACT_FORMAT;
}

export function readMomenticGbdt(json: unknown, file: string): ImportedModel {
  let m: GbdtModel;
  try {
    m = GbdtModel.fromJSON(json);
  } catch (e) {
    throw invalidModel(file, (e as Error).message, 'use an artifact written by momentic ml train, unedited');
  }
  const builder = new ForestBuilder();
  for (const t of m.trees) {
    const nodes = t.numLeaves - 1;
    builder.add({
      feature: t.splitFeature.subarray(0, nodes),
      threshold: Float64Array.from(t.threshold.subarray(0, nodes), nextUp),
      left: t.leftChild.subarray(0, nodes),
      right: t.rightChild.subarray(0, nodes),
      flags: Uint8Array.from(t.defaultLeft.subarray(0, nodes), (d) => (d === 1 ? NodeFlag.NanLeft : 0)),
      leafValue: t.leafValue.subarray(0, t.numLeaves),
      root: t.numLeaves === 1 ? ~0 : 0,
    });
  }
  const binary = m.objective === 'binary';
  return {
    format: 'momentic-gbdt',
    precision: 'float64',
    objective: {
      name: m.objective,
      output: binary ? 'probability' : 'value',
      transform: binary ? (z) => 1 / (1 + Math.exp(-z)) : (z) => z,
    },
    featureNames: m.featureNames,
    numFeatures: m.numFeatures,
    forest: builder.build(m.numFeatures),
    baseMargin: m.initScore,
  };
}
